namespace Portal.Ml.Tests.Runtime;

public sealed class TorchSharpRuntimeTests
{
    private const string PinnedVersion = "GLIBCXX_3.4.32";

    private static string NativeDirectory => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");

    private static bool SystemLibstdcxxHasPinnedVersion()
    {
        var library = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }
            .First(File.Exists);
        return System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(library)).Contains(PinnedVersion, StringComparison.Ordinal);
    }

    [Fact]
    public void TorchSharps_native_library_loads_and_multiplies_matrices()
    {
        using var a = TorchSharp.torch.tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        using var product = a.matmul(a);

        product.data<float>().ToArray().ShouldBe([7f, 10f, 15f, 22f]);
        TorchSharp.torch.__version__.ShouldStartWith("2.10");
    }

    [Fact]
    public void The_compatibility_library_ships_exactly_where_the_system_libstdcxx_lacks_the_pinned_version()
    {
        var shipped = File.Exists(Path.Combine(NativeDirectory, "libportal_cxx_compat.so"));

        shipped.ShouldBe(!SystemLibstdcxxHasPinnedVersion());
    }

    [Fact]
    public void The_build_never_writes_the_NuGet_cache()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var cached = Directory.GetFiles(packages, "libLibTorchSharp.so", SearchOption.AllDirectories);

        cached.ShouldNotBeEmpty();
        foreach (var library in cached)
            System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(library)).ShouldNotContain("libportal_cxx_compat.so");
    }
}
