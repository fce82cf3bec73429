using System.Diagnostics;
using System.Text;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Documents;

/// <summary>
/// The real app as a child process, sent SIGTERM while documents are mid-ingestion: it must exit cleanly
/// and promptly, leaving every document finished or handed back to the queue (never stuck mid-step), and
/// after a restart every document ends Indexed exactly once.
/// </summary>
public sealed class GracefulShutdownTests : IAsyncLifetime
{
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(30);
    private readonly PortalDatabase _database = new();
    private readonly string _data = Directory.CreateTempSubdirectory("portal-sigterm-").FullName;
    private PortalProcess? _app;

    public Task InitializeAsync() => _database.InitializeAsync();

    [Fact]
    public async Task Sigterm_hands_documents_still_running_after_the_grace_period_back_to_the_queue()
    {
        // No grace: whatever is running when SIGTERM arrives is cancelled and must be handed back, not lost.
        var (client, uploaded) = await StartAndUploadAsync(grace: "00:00:00");
        var scans = uploaded.Where(u => u.Name.EndsWith(".pdf", StringComparison.Ordinal)).ToList();
        await PortalProcess.WaitUntilAsync(async () => (await IngestionChecks.StatusesAsync(client, scans)).Any(IngestionChecks.InFlight), TimeSpan.FromSeconds(30));

        var stopping = await TerminateAsync();

        await NothingStuckMidStepAsync(stopping);
        _app!.Log.ShouldContain("was handed back to the queue at shutdown", Case.Sensitive, "a scan was mid-OCR at SIGTERM");
        (await _database.AdminScalarAsync<long>("SELECT count(*) FROM documents WHERE status = 'Queued'")).ShouldBeGreaterThan(0);
        await RestartAndExpectAllIndexedOnceAsync(client, uploaded);
    }

    [Fact]
    public async Task Sigterm_lets_documents_in_flight_finish_and_starts_no_new_ones()
    {
        var (client, uploaded) = await StartAndUploadAsync(grace: "00:00:25");
        var scans = uploaded.Where(u => u.Name.EndsWith(".pdf", StringComparison.Ordinal)).ToList();
        List<string?> before = [];
        await PortalProcess.WaitUntilAsync(async () => (before = await IngestionChecks.StatusesAsync(client, scans)).Any(IngestionChecks.InFlight), TimeSpan.FromSeconds(30));
        var inFlight = scans.Where((_, i) => IngestionChecks.InFlight(before[i])).Select(s => s.Id).ToList();

        var stopping = await TerminateAsync();

        await NothingStuckMidStepAsync(stopping);
        foreach (var id in inFlight)
            (await _database.AdminScalarAsync<string>($"SELECT status FROM documents WHERE id = '{id}'")).ShouldBe("Indexed", _app!.Log);
        _app!.Log.ShouldNotContain("was handed back to the queue at shutdown");
        (await _database.AdminScalarAsync<long>("SELECT count(*) FROM documents WHERE status = 'Queued'"))
            .ShouldBeGreaterThan(0, "documents not yet started stay queued for the next start");
        await RestartAndExpectAllIndexedOnceAsync(client, uploaded);
    }

    private async Task<(HttpClient Client, List<DocumentApi.Uploaded> Uploaded)> StartAndUploadAsync(string grace)
    {
        _app = new PortalProcess(_database, _data, new Dictionary<string, string>
        {
            ["Ingestion__Jobs__MaxConcurrency"] = "2",
            ["Ingestion__Jobs__ShutdownGrace"] = grace,
            ["Logging__LogLevel__Portal.Documents.Ingestion"] = "Information",
        });
        await _app.StartAsync();
        var client = await _app.SignedInClientAsync();
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(client);
        var files = new List<(string, byte[])>();
        for (var i = 0; i < 4; i++) files.Add(($"scan-{i}.pdf", PdfSamples.ScannedPdf($"Scanned page number {i} of the shutdown test")));
        for (var i = 0; i < 4; i++) files.Add(($"note-{i}.md", Encoding.UTF8.GetBytes($"# Note {i}\n\n{TextSamples.EnglishParagraph(i)}\n")));
        return (client, await DocumentApi.UploadOkAsync(client, kb, [.. files]));
    }

    private async Task<TimeSpan> TerminateAsync()
    {
        var stopping = Stopwatch.StartNew();
        await _app!.TerminateAsync();
        using (var bound = new CancellationTokenSource(ExitBound))
            await _app.App.WaitForExitAsync(bound.Token);
        _app.App.ExitCode.ShouldBe(0, _app.Log);
        return stopping.Elapsed;
    }

    private async Task NothingStuckMidStepAsync(TimeSpan stopping)
    {
        var stuck = await _database.AdminScalarAsync<long>("SELECT count(*) FROM documents WHERE status IN ('Parsing', 'Chunking', 'Indexing')");
        stuck.ShouldBe(0, $"documents left mid-step after a graceful stop ({stopping.TotalSeconds:F1} s):\n{_app!.Log}");
    }

    private async Task RestartAndExpectAllIndexedOnceAsync(HttpClient client, List<DocumentApi.Uploaded> uploaded)
    {
        await _app!.StartAsync();
        var done = await DocumentApi.WaitAsync(client, uploaded.Select(u => u.Id), TimeSpan.FromSeconds(90));
        await IngestionChecks.IndexedExactlyOnceOrFailedAsync(_database, done);
        done.Values.Count(d => d.GetProperty("status").GetString() == "Indexed").ShouldBe(uploaded.Count, "no document should fail because of a graceful stop");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await _database.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }
}
