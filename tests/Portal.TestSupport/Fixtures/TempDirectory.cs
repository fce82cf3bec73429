namespace Portal.TestSupport.Fixtures;

public sealed class TempDirectory : IDisposable
{
    public DirectoryInfo Directory { get; } = System.IO.Directory.CreateTempSubdirectory("portal-docs-");

    public string Write(string name, byte[] content)
    {
        var path = Path.Combine(Directory.FullName, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(recursive: true); } catch (IOException) { }
    }
}
