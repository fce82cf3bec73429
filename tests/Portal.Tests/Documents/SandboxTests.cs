using Portal.Documents.Parsing;
using Portal.Documents.Sandbox;

namespace Portal.Tests.Documents;

using DocumentFormat = Portal.Documents.DocumentFormat;

public class SandboxTests : IDisposable
{
    private readonly TempDirectory temp = new();

    /// <summary>A stand-in child process that misbehaves in one specific way.</summary>
    private SandboxedDocumentParser ParserRunning(string script, Action<ParserSandboxOptions>? configure = null)
    {
        var path = temp.Write("child.sh", TextSamples.Utf8("#!/bin/sh\n" + script + "\n"));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var options = new ParserSandboxOptions { ExecutablePath = path, WallClockTimeout = TimeSpan.FromSeconds(2), MaxWorkers = 1 };
        configure?.Invoke(options);
        return new SandboxedDocumentParser(options);
    }

    private string AnyFile() => temp.Write("input.txt", TextSamples.Utf8(TextSamples.PlainText));

    [Fact]
    public async Task A_hanging_parser_is_killed_at_the_wall_clock_limit()
    {
        using var parser = ParserRunning("sleep 60");
        var started = DateTime.UtcNow;
        var outcome = await parser.ParseAsync(AnyFile(), DocumentFormat.PlainText, CancellationToken.None);
        outcome.Failure!.Reason.ShouldBe(ParseFailureReason.Timeout);
        (DateTime.UtcNow - started).ShouldBeLessThan(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_crashing_parser_reports_the_signal_that_killed_it()
    {
        using var parser = ParserRunning("read line; kill -SEGV $$");
        var outcome = await parser.ParseAsync(AnyFile(), DocumentFormat.PlainText, CancellationToken.None);
        outcome.Failure!.Reason.ShouldBe(ParseFailureReason.Crashed);
        outcome.Failure.Message.ShouldContain("signal 11");
    }

    [Fact]
    public async Task A_parser_over_its_cpu_time_is_stopped_by_the_kernel()
    {
        using var parser = ParserRunning("prlimit --cpu=1:60 --pid $$; read line; while :; do :; done", o => o.WallClockTimeout = TimeSpan.FromSeconds(20));
        var outcome = await parser.ParseAsync(AnyFile(), DocumentFormat.PlainText, CancellationToken.None);
        outcome.Failure!.Reason.ShouldBe(ParseFailureReason.CpuLimit);
    }

    [Fact]
    public async Task A_parser_over_its_memory_limit_is_killed()
    {
        using var parser = ParserRunning("read line; exec tail /dev/zero", o =>
        {
            o.MaxResidentBytes = 200L * 1024 * 1024;
            o.WallClockTimeout = TimeSpan.FromSeconds(30);
        });
        var outcome = await parser.ParseAsync(AnyFile(), DocumentFormat.PlainText, CancellationToken.None);
        outcome.Failure!.Reason.ShouldBe(ParseFailureReason.MemoryLimit);
    }

    [Fact]
    public async Task A_missing_parser_is_a_transient_failure()
    {
        using var parser = new SandboxedDocumentParser(new ParserSandboxOptions { ExecutablePath = "/nonexistent/Portal.Parser.dll" });
        var outcome = await parser.ParseAsync(AnyFile(), DocumentFormat.PlainText, CancellationToken.None);
        outcome.Failure!.Kind.ShouldBe(ParseFailureKind.Transient);
        outcome.Failure.Reason.ShouldBe(ParseFailureReason.SandboxUnavailable);
    }

    [Fact]
    public async Task The_real_parser_child_parses_a_file_end_to_end()
    {
        using var parser = new SandboxedDocumentParser();
        var path = temp.Write("zh.docx", OfficeSamples.Docx([("Heading1", "总则"), ("", "本制度适用于全体员工。")]));
        var outcome = await parser.ParseAsync(path, DocumentFormat.Docx, CancellationToken.None);
        outcome.Document!.Units.ShouldContain(u => u.Text == "本制度适用于全体员工。" && u.HeadingPath.SequenceEqual(new[] { "总则" }));
    }

    [Fact]
    public async Task An_unsupported_file_fails_without_starting_a_child()
    {
        using var parser = new SandboxedDocumentParser(new ParserSandboxOptions { ExecutablePath = "/nonexistent" });
        var outcome = await parser.ParseAsync(AnyFile(), DocumentFormat.Unsupported, CancellationToken.None);
        outcome.Failure!.Reason.ShouldBe(ParseFailureReason.Unsupported);
    }

    public void Dispose() => temp.Dispose();
}
