using System.Text;
using Portal.IntegrationTests.Infrastructure;
using Portal.Tests.Documents.Fixtures;

namespace Portal.IntegrationTests.Documents;

/// <summary>
/// The real app as a child process, killed with SIGKILL while documents are mid-ingestion and then
/// started again: every document must end Indexed with exactly one set of chunks (or Failed).
/// Its own database, so no other test's scheduler can pick up the work in its place.
/// </summary>
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    private readonly PortalDatabase _database = new();
    private readonly string _data = Directory.CreateTempSubdirectory("portal-crash-").FullName;
    private PortalProcess? _app;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = new PortalProcess(_database, _data);
    }

    [Fact]
    public async Task Documents_in_flight_when_the_process_is_killed_end_indexed_exactly_once_after_a_restart()
    {
        await _app!.StartAsync();
        var client = await _app.SignedInClientAsync();
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(client);
        var files = new List<(string, byte[])>();
        for (var i = 0; i < 3; i++) files.Add(($"scan-{i}.pdf", PdfSamples.ScannedPdf($"Scanned page number {i} of the crash test")));
        for (var i = 0; i < 3; i++) files.Add(($"note-{i}.md", Encoding.UTF8.GetBytes($"# Note {i}\n\n{TextSamples.EnglishParagraph(i)}\n")));
        var uploaded = await DocumentApi.UploadOkAsync(client, kb, [.. files]);

        await PortalProcess.WaitUntilAsync(async () => (await IngestionChecks.StatusesAsync(client, uploaded)).Any(IngestionChecks.InFlight), TimeSpan.FromSeconds(30));
        await _app.KillAsync();

        await _app.StartAsync();
        var done = await DocumentApi.WaitAsync(client, uploaded.Select(u => u.Id), TimeSpan.FromSeconds(75));
        await IngestionChecks.IndexedExactlyOnceOrFailedAsync(_database, done);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await _database.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }
}
