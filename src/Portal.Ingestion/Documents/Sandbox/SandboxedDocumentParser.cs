using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Documents.Parsing;

namespace Portal.Documents.Sandbox;

/// <summary>
/// Parses files in warm child processes (Portal.Parser) under CPU, memory and wall-clock limits. A child that
/// hangs, runs out of memory or crashes is killed and replaced; the file ends as a Fatal failure with the
/// reason, and this process is never affected. Children are recycled after <see cref="ParserSandboxOptions.FilesPerWorker"/> files.
/// </summary>
public sealed partial class SandboxedDocumentParser : IDocumentParser, IAsyncDisposable, IDisposable
{
    private readonly ParserSandboxOptions sandbox;
    private readonly IngestionLimits limits;
    private readonly OcrOptions ocr;
    private readonly ILogger logger;
    private readonly SemaphoreSlim slots;
    private readonly ConcurrentBag<ParserWorker> idle = [];
    private bool disposed;

    public SandboxedDocumentParser(IOptions<ParserSandboxOptions> sandbox, IOptions<IngestionLimits> limits, IOptions<OcrOptions> ocr,
        ILogger<SandboxedDocumentParser>? logger = null)
    {
        this.sandbox = sandbox.Value;
        this.limits = limits.Value;
        this.ocr = ocr.Value;
        this.logger = logger ?? (ILogger)NullLogger.Instance;
        slots = new SemaphoreSlim(this.sandbox.MaxWorkers, this.sandbox.MaxWorkers);
    }

    public SandboxedDocumentParser(ParserSandboxOptions? sandbox = null, IngestionLimits? limits = null, OcrOptions? ocr = null)
        : this(Options.Create(sandbox ?? new ParserSandboxOptions()), Options.Create(limits ?? new IngestionLimits()), Options.Create(ocr ?? new OcrOptions()))
    {
    }

    public async Task<ParseOutcome> ParseAsync(string filePath, DocumentFormat format, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var file = new FileInfo(filePath);
        if (!file.Exists)
            return ParseOutcome.Fatal(ParseFailureReason.Malformed, "The file to parse does not exist.");
        if (file.Length > limits.MaxFileBytes)
            return ParseOutcome.Fatal(ParseFailureReason.TooLarge, $"The file is {file.Length:N0} bytes; the limit is {limits.MaxFileBytes:N0}.");
        if (format == DocumentFormat.Unsupported)
            return ParseOutcome.Fatal(ParseFailureReason.Unsupported, "The file's format is not supported.");

        var request = new ParseRequest(file.FullName, format, limits, ocr, NativeToolLimits.From(sandbox), sandbox.CpuSecondsPerFile);
        await slots.WaitAsync(cancellationToken);
        ParserWorker? worker = null;
        try
        {
            worker = TakeWorker();
            if (worker is null)
                return ParseOutcome.Failed(ParseFailure.Transient(ParseFailureReason.SandboxUnavailable, "The parser process could not be started."));

            var started = Stopwatch.GetTimestamp();
            var outcome = await worker.ParseAsync(request, cancellationToken);
            if (outcome.Failure is { } failure)
                LogParseFailed(logger, format, failure.Reason, failure.Message);
            else
                LogParsed(logger, format, outcome.Document!.Units.Count, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);

            if (!worker.HasExited && LeavesWorkerHealthy(outcome) && worker.FilesParsed < sandbox.FilesPerWorker)
            {
                idle.Add(worker);
                worker = null;
            }
            return outcome;
        }
        finally
        {
            if (worker is not null)
            {
                worker.Kill();
                worker.Dispose();
            }
            slots.Release();
        }
    }

    // A child that hit a limit or crashed is never reused; one that merely rejected a malformed file is fine.
    private static bool LeavesWorkerHealthy(ParseOutcome outcome) =>
        outcome.Failure?.Reason is null or ParseFailureReason.Malformed or ParseFailureReason.Unsupported
            or ParseFailureReason.Encrypted or ParseFailureReason.ArchiveBomb or ParseFailureReason.TooLarge;

    private ParserWorker? TakeWorker()
    {
        while (idle.TryTake(out var warm))
        {
            if (!warm.HasExited)
                return warm;
            warm.Dispose();
        }
        try
        {
            return ParserWorker.Start(sandbox);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            LogSandboxUnavailable(logger, e);
            return null;
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        while (idle.TryTake(out var worker))
            worker.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Parsed a {Format} file into {Units} units in {ElapsedMs} ms")]
    private static partial void LogParsed(ILogger logger, DocumentFormat format, int units, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Parsing a {Format} file failed: {Reason}: {Detail}")]
    private static partial void LogParseFailed(ILogger logger, DocumentFormat format, ParseFailureReason reason, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "The parser sandbox could not start a child process")]
    private static partial void LogSandboxUnavailable(ILogger logger, Exception exception);
}
