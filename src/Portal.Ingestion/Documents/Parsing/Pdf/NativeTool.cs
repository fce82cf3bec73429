using System.Diagnostics;
using System.Text;

namespace Portal.Documents.Parsing.Pdf;

internal sealed record NativeToolResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// Runs poppler and tesseract under <c>prlimit</c>: RLIMIT_AS caps their memory (native programs honour it,
/// unlike the CLR), RLIMIT_CPU their CPU time and RLIMIT_FSIZE what they may write. A wall-clock timeout kills them.
/// </summary>
internal static class NativeTool
{
    private static readonly string? Prlimit = File.Exists("/usr/bin/prlimit") ? "/usr/bin/prlimit" : null;

    public static NativeToolResult Run(string tool, IReadOnlyList<string> arguments, NativeToolLimits limits, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        // Tesseract would otherwise start one OpenMP thread per core for every page.
        start.Environment["OMP_THREAD_LIMIT"] = "1";
        if (Prlimit is not null)
        {
            start.FileName = Prlimit;
            start.ArgumentList.Add($"--as={limits.AddressSpaceBytes}");
            start.ArgumentList.Add($"--cpu={limits.CpuSeconds}");
            start.ArgumentList.Add($"--fsize={limits.MaxWrittenFileBytes}");
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(tool);
        }
        else
        {
            start.FileName = tool;
        }
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start {tool}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var exited = process.WaitForExit(TimeSpan.FromSeconds(limits.TimeoutSeconds));
        if (!exited || cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new DocumentRejectedException(ParseFailureReason.Timeout, $"{tool} did not finish within {limits.TimeoutSeconds} s.");
        }
        process.WaitForExit();
        return new NativeToolResult(process.ExitCode, stdout.GetAwaiter().GetResult(), Truncate(stderr.GetAwaiter().GetResult()));
    }

    /// <summary>Describes a tool's failure in words a user can act on.</summary>
    public static string Describe(string tool, NativeToolResult result)
    {
        var firstError = result.StandardError.Split('\n').FirstOrDefault(l => l.Contains("Error", StringComparison.OrdinalIgnoreCase))
            ?? result.StandardError.Split('\n').FirstOrDefault(l => l.Trim().Length > 0) ?? "";
        var signal = result.ExitCode > 128 ? $" (killed by signal {result.ExitCode - 128}; a resource limit was probably reached)" : "";
        return $"{tool} failed with exit code {result.ExitCode}{signal}: {firstError.Trim()}";
    }

    private static string Truncate(string text) => text.Length <= 4096 ? text : text[..4096];
}
