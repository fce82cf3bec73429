namespace Portal.Documents.Sandbox;

/// <summary>Finds how to start the parser child: the dll next to the app, else the repository's build output.</summary>
internal static class ParserExecutable
{
    public const string DllName = "Portal.Parser.dll";

    /// <summary>The program and leading arguments that start the child, or null when it cannot be found.</summary>
    public static (string FileName, string[] Arguments)? Resolve(ParserSandboxOptions options)
    {
        var path = string.IsNullOrWhiteSpace(options.ExecutablePath) ? Find() : options.ExecutablePath;
        if (path is null || !File.Exists(path))
            return null;
        if (!path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            return (path, []);
        return (DotnetHost(options), [path]);
    }

    private static string? Find()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, DllName);
        if (File.Exists(beside))
            return beside;
        // Development and tests: walk up to the repository and take the newest build of src/Portal.Parser.
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var bin = Path.Combine(directory.FullName, "src", "Portal.Parser", "bin");
            if (!Directory.Exists(bin))
                continue;
            return Directory.EnumerateFiles(bin, DllName, SearchOption.AllDirectories)
                .Where(f => File.Exists(Path.ChangeExtension(f, ".runtimeconfig.json")))
                .OrderByDescending(File.GetLastWriteTimeUtc)
                .FirstOrDefault();
        }
        return null;
    }

    private static string DotnetHost(ParserSandboxOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.DotnetHostPath))
            return options.DotnetHostPath;
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
            return current;
        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (root is not null && File.Exists(Path.Combine(root, "dotnet")))
            return Path.Combine(root, "dotnet");
        return "dotnet";
    }
}
