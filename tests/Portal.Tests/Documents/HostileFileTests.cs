using System.Diagnostics;
using Portal.Documents;
using Portal.Documents.Chunking;
using Portal.Documents.Detection;
using Portal.Documents.Parsing;
using Portal.Documents.Sandbox;

namespace Portal.Tests.Documents;

using DocumentFormat = Portal.Documents.DocumentFormat;

/// <summary>One sandbox shared by the hostile-file and mutation tests, with limits tight enough to keep them fast.</summary>
public sealed class HostileSandbox : IDisposable
{
    public static readonly TimeSpan WallClock = TimeSpan.FromSeconds(20);
    public TempDirectory Temp { get; } = new();
    public SandboxedDocumentParser Parser { get; } = new(
        new ParserSandboxOptions { WallClockTimeout = WallClock, MaxWorkers = 2, ManagedHeapLimitBytes = 512L * 1024 * 1024, MaxResidentBytes = 1024L * 1024 * 1024, NativeToolTimeoutSeconds = 15 },
        new IngestionLimits(),
        new OcrOptions { Enabled = false });

    public async Task<(ParseOutcome Outcome, TimeSpan Elapsed)> ParseAsync(string name, byte[] content)
    {
        var path = Temp.Write(name, content);
        var started = Stopwatch.GetTimestamp();
        var outcome = await Parser.ParseAsync(path, FormatDetector.DetectFile(path), CancellationToken.None);
        return (outcome, Stopwatch.GetElapsedTime(started));
    }

    public void Dispose()
    {
        Parser.Dispose();
        Temp.Dispose();
    }
}

[CollectionDefinition(nameof(HostileSandbox))]
public sealed class HostileSandboxCollection : ICollectionFixture<HostileSandbox>;

[Collection(nameof(HostileSandbox))]
public class HostileFileTests(HostileSandbox sandbox)
{
    public static TheoryData<string> Names => [.. HostileSet.Names];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_hostile_file_ends_parsed_or_failed_with_a_reason_within_the_limit(string name)
    {
        var (outcome, elapsed) = await sandbox.ParseAsync(name, HostileSet.Get(name));
        if (outcome.Failure is { } failure)
            failure.Message.ShouldNotBeNullOrWhiteSpace();
        else
            Chunker.Chunk(outcome.Document!, new ChunkingOptions()).ShouldNotBeNull();
        elapsed.ShouldBeLessThan(HostileSandbox.WallClock + TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("zip-bomb.docx", ParseFailureReason.ArchiveBomb)]
    [InlineData("empty.txt", ParseFailureReason.Unsupported)]
    [InlineData("random.bin", ParseFailureReason.Unsupported)]
    [InlineData("truncated.pdf", ParseFailureReason.Malformed)]
    public async Task Known_hostile_files_fail_for_the_expected_reason(string name, ParseFailureReason reason)
    {
        var (outcome, _) = await sandbox.ParseAsync(name, HostileSet.Get(name));
        outcome.Failure!.Reason.ShouldBe(reason);
    }
}

[Collection(nameof(HostileSandbox))]
public class MutationTests(HostileSandbox sandbox)
{
    private const int Files = 150;

    [Fact]
    public async Task Every_mutated_file_ends_parsed_or_failed_and_the_host_survives()
    {
        var seeds = SeedFiles.All();
        var random = new Random(20_26);
        var files = Enumerable.Range(0, Files)
            .Select(i => (Name: $"m{i:D4}-{seeds[i % seeds.Count].Name}", Content: Mutator.Mutate(seeds[i % seeds.Count].Content, random)))
            .ToList();
        var outcomes = new ParseOutcome[files.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (i, _) =>
            outcomes[i] = (await sandbox.ParseAsync(files[i].Name, files[i].Content)).Outcome);

        outcomes.ShouldAllBe(o => o.Succeeded || !string.IsNullOrWhiteSpace(o.Failure!.Message));
        outcomes.Count(o => o.Succeeded).ShouldBeGreaterThan(0);
    }
}
