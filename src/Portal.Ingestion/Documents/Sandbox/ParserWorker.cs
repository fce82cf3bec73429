using System.Diagnostics;
using System.Globalization;
using System.Text;
using Portal.Documents.Parsing;

namespace Portal.Documents.Sandbox;

/// <summary>
/// One parser child process, started in its own session so that killing its process group also ends the
/// poppler and tesseract processes it started. It parses one file at a time.
/// </summary>
internal sealed class ParserWorker : IDisposable
{
    private const int StderrTailChars = 8192;
    private readonly Process process;
    private readonly StringBuilder stderrTail = new();
    private readonly ParserSandboxOptions options;

    private ParserWorker(Process process, ParserSandboxOptions options)
    {
        this.process = process;
        this.options = options;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderrTail)
            {
                stderrTail.Append(e.Data).Append('\n');
                if (stderrTail.Length > StderrTailChars)
                    stderrTail.Remove(0, stderrTail.Length - StderrTailChars);
            }
        };
        process.BeginErrorReadLine();
    }

    public int FilesParsed { get; private set; }
    public int ProcessId => process.Id;
    public bool HasExited => process.HasExited;

    public static ParserWorker Start(ParserSandboxOptions options)
    {
        var executable = ParserExecutable.Resolve(options)
            ?? throw new FileNotFoundException($"{ParserExecutable.DllName} was not found; set Ingestion:Sandbox:ExecutablePath.");
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardInputEncoding = new UTF8Encoding(false),
        };
        // setsid: a new session and process group, so one kill(-pgid) ends the child and its tools.
        // prlimit: no core dumps, and a cap on file sizes the child (and the tools it starts) may write.
        var wrappers = new List<string>();
        if (File.Exists("/usr/bin/setsid")) wrappers.Add("/usr/bin/setsid");
        if (File.Exists("/usr/bin/prlimit")) wrappers.AddRange(["/usr/bin/prlimit", "--core=0", $"--fsize={options.MaxWrittenFileBytes}", "--"]);
        start.FileName = wrappers.Count > 0 ? wrappers[0] : executable.FileName;
        foreach (var argument in wrappers.Skip(1).Concat(wrappers.Count > 0 ? [executable.FileName] : []).Concat(executable.Arguments))
            start.ArgumentList.Add(argument);
        start.ArgumentList.Add(ParserProtocol.WorkerArgument);

        // The CLR reserves far more address space than it uses, so RLIMIT_AS would break it; the GC's own
        // hard limit caps the managed heap instead, and the host watches resident memory for the rest.
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x" + options.ManagedHeapLimitBytes.ToString("X", CultureInfo.InvariantCulture);
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_TieredPGO"] = "0";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        var process = Process.Start(start) ?? throw new InvalidOperationException("The parser process did not start.");
        return new ParserWorker(process, options);
    }

    public async Task<ParseOutcome> ParseAsync(ParseRequest request, CancellationToken cancellationToken)
    {
        FilesParsed++;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.WallClockTimeout);
        var memoryExceeded = false;
        using var watchdog = new Timer(_ =>
        {
            if (ResidentBytes() > options.MaxResidentBytes)
            {
                memoryExceeded = true;
                Kill();
            }
        }, null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(250));

        string? line;
        try
        {
            await process.StandardInput.WriteLineAsync(ParserProtocol.Serialize(request).AsMemory(), deadline.Token);
            await process.StandardInput.FlushAsync(deadline.Token);
            line = await process.StandardOutput.ReadLineAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill();
            return memoryExceeded ? MemoryLimit() : ParseOutcome.Fatal(ParseFailureReason.Timeout,
                $"Parsing did not finish within {options.WallClockTimeout.TotalSeconds:0} s.");
        }
        catch (IOException)
        {
            line = null; // the child died while we were writing to it
        }

        if (line is not null && !memoryExceeded)
        {
            try
            {
                return ParserProtocol.Deserialize<ParseOutcome>(line) ?? Crashed("an empty answer");
            }
            catch (System.Text.Json.JsonException e)
            {
                Kill();
                return Crashed($"an unreadable answer ({e.Message})");
            }
        }
        return await DiagnoseExitAsync(memoryExceeded);
    }

    private async Task<ParseOutcome> DiagnoseExitAsync(bool memoryExceeded)
    {
        if (!process.WaitForExit(TimeSpan.FromSeconds(5)))
            Kill();
        await process.WaitForExitAsync();
        if (memoryExceeded)
            return MemoryLimit();
        string stderr;
        lock (stderrTail) stderr = stderrTail.ToString();
        if (stderr.Contains("OutOfMemoryException", StringComparison.Ordinal))
            return MemoryLimit();
        var code = process.ExitCode;
        if (code == 128 + ProcessSignals.SignalCpuLimit)
            return ParseOutcome.Fatal(ParseFailureReason.CpuLimit, $"Parsing used more than {options.CpuSecondsPerFile} s of CPU time.");
        if (stderr.Contains("Stack overflow", StringComparison.OrdinalIgnoreCase))
            return ParseOutcome.Fatal(ParseFailureReason.Malformed, "Malformed file: its structure is nested too deeply (the parser's stack overflowed).");
        return Crashed(code > 128 ? $"signal {code - 128}" : $"exit code {code}");
    }

    private ParseOutcome MemoryLimit() => ParseOutcome.Fatal(ParseFailureReason.MemoryLimit,
        $"Parsing needed more than the parser's memory limit ({options.MaxResidentBytes / (1024 * 1024)} MiB resident).");

    private static ParseOutcome Crashed(string how) =>
        ParseOutcome.Fatal(ParseFailureReason.Crashed, $"The parser crashed with {how} while reading the file.");

    private long ResidentBytes()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        return 0;
    }

    public void Kill()
    {
        try
        {
            if (process.HasExited) return;
            ProcessSignals.KillGroup(process.Id);
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
        }
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.StandardInput.Close(); // the child exits at end of input
                if (!process.WaitForExit(TimeSpan.FromSeconds(2)))
                    Kill();
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
        }
        process.Dispose();
    }
}
