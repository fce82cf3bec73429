using System.Diagnostics;
using System.Text;
using Portal.IntegrationTests.Infrastructure;
using Portal.Tests.Documents.Fixtures;

namespace Portal.IntegrationTests.Documents;

/// <summary>
/// The real app as a child process, sent SIGTERM while documents are mid-ingestion: it must exit cleanly
/// and promptly, leaving every document finished or handed back to the queue (never stuck mid-step), and
/// after a restart every document ends Indexed exactly once or Failed.
/// </summary>
public sealed class GracefulShutdownTests : IAsyncLifetime
{
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(30);
    private readonly PortalDatabase _database = new();
    private readonly string _data = Directory.CreateTempSubdirectory("portal-sigterm-").FullName;
    private PortalProcess? _app;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = new PortalProcess(_database, _data, new Dictionary<string, string>
        {
            ["Ingestion__Jobs__MaxConcurrency"] = "2",
            // No grace: whatever is running when SIGTERM arrives is cancelled and must be handed back, not lost.
            ["Ingestion__Jobs__ShutdownGrace"] = "00:00:00",
            ["Logging__LogLevel__Portal.Web.Features.Documents.Ingestion"] = "Information",
        });
    }

    [Fact]
    public async Task Sigterm_mid_ingestion_exits_cleanly_and_leaves_no_document_stuck_mid_step()
    {
        await _app!.StartAsync();
        var client = await _app.SignedInClientAsync();
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(client);
        var files = new List<(string, byte[])>();
        for (var i = 0; i < 4; i++) files.Add(($"scan-{i}.pdf", PdfSamples.ScannedPdf($"Scanned page number {i} of the shutdown test")));
        for (var i = 0; i < 4; i++) files.Add(($"note-{i}.md", Encoding.UTF8.GetBytes($"# Note {i}\n\n{TextSamples.EnglishParagraph(i)}\n")));
        var uploaded = await DocumentApi.UploadOkAsync(client, kb, [.. files]);
        var scans = uploaded.Where(u => u.Name.EndsWith(".pdf", StringComparison.Ordinal)).ToList();
        await PortalProcess.WaitUntilAsync(async () => (await IngestionChecks.StatusesAsync(client, scans)).Any(IngestionChecks.InFlight), TimeSpan.FromSeconds(30));

        var stopping = Stopwatch.StartNew();
        await _app.TerminateAsync();
        using (var bound = new CancellationTokenSource(ExitBound))
            await _app.App.WaitForExitAsync(bound.Token);
        stopping.Stop();
        _app.App.ExitCode.ShouldBe(0, _app.Log);

        var stuck = await _database.AdminScalarAsync<long>(
            "SELECT count(*) FROM documents WHERE status IN ('Parsing', 'Chunking', 'Indexing')");
        stuck.ShouldBe(0, $"documents left mid-step after a graceful stop ({stopping.Elapsed.TotalSeconds:F1} s):\n{_app.Log}");
        _app.Log.ShouldContain("was handed back to the queue at shutdown", Case.Sensitive, "a scan was mid-OCR at SIGTERM");
        (await _database.AdminScalarAsync<long>("SELECT count(*) FROM documents WHERE status = 'Queued'")).ShouldBeGreaterThan(0);

        await _app.StartAsync();
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
