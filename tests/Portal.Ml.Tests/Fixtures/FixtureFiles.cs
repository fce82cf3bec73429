namespace Portal.Ml.Tests.Fixtures;

internal static class FixtureFiles
{
    /// <summary>tests/Portal.Ml.Tests/Fixtures in the source tree (found upwards from the test binaries).</summary>
    internal static string Root { get; } = Find();

    internal static string HuggingFace => Path.Combine(Root, "hf");

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "Portal.Ml.Tests", "Fixtures");
            if (Directory.Exists(candidate))
                return candidate;
        }
        return Path.Combine(AppContext.BaseDirectory, "Fixtures");
    }
}

/// <summary>
/// A fact that is skipped, with <paramref name="reason"/>, when a fixture file is absent. xunit 2 has no run-time
/// skip, so the decision is made when the test is discovered.
/// </summary>
internal sealed class FactWhenFixturesExistAttribute : FactAttribute
{
    public FactWhenFixturesExistAttribute(string relativePath, string reason)
    {
        if (!File.Exists(Path.Combine(FixtureFiles.Root, relativePath)))
            Skip = reason;
    }
}

/// <summary>A theory skipped when <c>/usr/bin/python3 -c "import torch"</c> fails (no PyTorch to compare with).</summary>
internal sealed class TheoryWhenPyTorchExistsAttribute : TheoryAttribute
{
    internal const string Python = "/usr/bin/python3";

    public TheoryWhenPyTorchExistsAttribute()
    {
        if (!Available.Value)
            Skip = $"{Python} cannot import torch (install Debian's python3-torch to compare against the PyTorch reference)";
    }

    private static readonly Lazy<bool> Available = new(() =>
    {
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(Python, ["-c", "import torch"])
                { RedirectStandardError = true, RedirectStandardOutput = true });
            if (process is null)
                return false;
            process.WaitForExit(60_000);
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });
}
