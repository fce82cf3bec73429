using System.Text;
using Portal.IntegrationTests.Infrastructure;

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

    [Fact]
    public async Task A_document_a_running_job_claimed_for_itself_is_taken_over_after_the_process_is_killed()
    {
        // One worker: the upload's dispatch hands the first document to a job, which then claims the others itself
        // in the name of its lease. Killed while working on one of those, no Hangfire job lists that document: only
        // the claim function's check of the lease (stale once its heartbeat stops) brings it back.
        await _app!.DisposeAsync();
        _app = new PortalProcess(_database, _data, new Dictionary<string, string> { ["Ingestion__Jobs__MaxConcurrency"] = "1" });
        await _app.StartAsync();
        var client = await _app.SignedInClientAsync();
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(client);
        var files = Enumerable.Range(0, 4).Select(i => ($"scan-{i}.pdf", PdfSamples.ScannedPdf($"Scanned page {i} claimed by a running job"))).ToArray();
        var uploaded = await DocumentApi.UploadOkAsync(client, kb, files);

        const string selfClaimedInFlight =
            "SELECT count(*) FROM documents WHERE claimed_by IS NOT NULL AND status IN ('Parsing', 'Chunking', 'Indexing')";
        await PortalProcess.WaitUntilAsync(async () => await _database.AdminScalarAsync<long>(selfClaimedInFlight) > 0, TimeSpan.FromSeconds(60));
        var takenOver = await _database.AdminScalarAsync<Guid>(
            "SELECT id FROM documents WHERE claimed_by IS NOT NULL AND status IN ('Parsing', 'Chunking', 'Indexing') LIMIT 1");
        await _app.KillAsync();

        await _app.StartAsync();
        var done = await DocumentApi.WaitAsync(client, uploaded.Select(u => u.Id), TimeSpan.FromSeconds(90));
        await IngestionChecks.IndexedExactlyOnceOrFailedAsync(_database, done);
        done[takenOver].GetProperty("status").GetString().ShouldBe("Indexed", done[takenOver].GetRawText());
    }

    [Fact]
    public async Task The_claim_function_takes_over_a_document_only_when_its_claimants_lease_has_lapsed()
    {
        // The app runs (migrated schema, one tenant) but serves no queue, so no job touches the rows under test.
        await _app!.DisposeAsync();
        _app = new PortalProcess(_database, _data, new Dictionary<string, string> { ["Jobs__Server"] = "false" });
        await _app.StartAsync();
        var client = await _app.SignedInClientAsync();
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(client);
        var uploaded = await DocumentApi.UploadOkAsync(client, kb,
            ("alive.md", Encoding.UTF8.GetBytes("# Alive\n\nClaimed by a running job.\n")),
            ("dead.md", Encoding.UTF8.GetBytes("# Dead\n\nClaimed by a job that is gone.\n")));
        Guid alive = uploaded[0].Id, dead = uploaded[1].Id;
        await _database.AdminScalarAsync<int>($"""
            INSERT INTO ingestion_leases (claimant, node) VALUES ('lease-alive', 'node');
            INSERT INTO ingestion_leases (claimant, node, heartbeat_at) VALUES ('lease-stale', 'node', now() - interval '1 minute');
            UPDATE documents SET status = 'Parsing', dispatched_at = now(), claimed_by = 'lease-alive' WHERE id = '{alive}';
            UPDATE documents SET status = 'Chunking', dispatched_at = now(), claimed_by = 'lease-stale' WHERE id = '{dead}';
            SELECT 1
            """);
        const string claim = "FROM claim_queued_documents(10, {0}, interval '15 seconds')";

        var claimed = await _database.AdminScalarAsync<string>(
            "SELECT coalesce(string_agg(document_id::text, ','), '') " + string.Format(claim, "'lease-new'"));

        claimed.ShouldBe(dead.ToString());
        (await _database.AdminScalarAsync<string>($"SELECT status || '/' || claimed_by FROM documents WHERE id = '{dead}'")).ShouldBe("Queued/lease-new");
        (await _database.AdminScalarAsync<string>($"SELECT status || '/' || claimed_by FROM documents WHERE id = '{alive}'")).ShouldBe("Parsing/lease-alive");
        // Queued under a claim: taken again only once the claimant's lease lapses, however recent the claim.
        await _database.AdminScalarAsync<int>("INSERT INTO ingestion_leases (claimant, node) VALUES ('lease-new', 'node'); SELECT 1");
        (await _database.AdminScalarAsync<long>("SELECT count(*) " + string.Format(claim, "'lease-other'"))).ShouldBe(0);
        (await _database.AdminScalarAsync<long>("SELECT claimable_documents(10, interval '15 seconds')")).ShouldBe(0);
        await _database.AdminScalarAsync<int>("UPDATE ingestion_leases SET heartbeat_at = now() - interval '16 seconds' WHERE claimant = 'lease-new'; SELECT 1");
        (await _database.AdminScalarAsync<long>("SELECT claimable_documents(10, interval '15 seconds')")).ShouldBe(1);
        (await _database.AdminScalarAsync<string>("SELECT document_id::text " + string.Format(claim, "'lease-other'"))).ShouldBe(dead.ToString());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await _database.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }
}
