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
        // One slot: the upload's dispatch hands the first document to a job, which then claims the others itself
        // in the name of its fire. Killed while working on one of those, no Quartz job lists that document: only
        // the claim function's check of the fire (gone once the cluster recovers the dead node) brings it back.
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
    public async Task The_claim_function_takes_over_a_document_only_when_its_claimant_fire_is_gone()
    {
        // The app runs (migrated schema, one tenant) but its dispatch is kept away from the rows under test.
        await _app!.DisposeAsync();
        _app = new PortalProcess(_database, _data, new Dictionary<string, string> { ["Ingestion__Jobs__Enabled"] = "false" });
        await _app.StartAsync();
        var client = await _app.SignedInClientAsync();
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(client);
        var uploaded = await DocumentApi.UploadOkAsync(client, kb,
            ("alive.md", Encoding.UTF8.GetBytes("# Alive\n\nClaimed by a running job.\n")),
            ("dead.md", Encoding.UTF8.GetBytes("# Dead\n\nClaimed by a job that is gone.\n")));
        Guid alive = uploaded[0].Id, dead = uploaded[1].Id;
        // The upload's own dispatch claims both for jobs no node here runs; let it finish before the rows are set up,
        // or it would take the "dead" claim over first.
        await PortalProcess.WaitUntilAsync(async () => await _database.AdminScalarAsync<long>(
            $"SELECT count(*) FROM documents WHERE id IN ('{alive}', '{dead}') AND dispatched_at IS NOT NULL") == 2, TimeSpan.FromSeconds(30));
        await _database.AdminScalarAsync<int>($"""
            INSERT INTO qrtz_fired_triggers (sched_name, entry_id, trigger_name, trigger_group, instance_name, fired_time, sched_time,
                                             priority, state, job_name, job_group, is_nonconcurrent, requests_recovery)
            VALUES ('test', 'fire-alive', 't', 'g', 'node', 0, 0, 5, 'EXECUTING', 'j', 'g', false, true);
            UPDATE documents SET status = 'Parsing', dispatched_at = now(), claimed_by = 'fire-alive' WHERE id = '{alive}';
            UPDATE documents SET status = 'Chunking', dispatched_at = now(), claimed_by = 'fire-dead' WHERE id = '{dead}';
            SELECT 1
            """);

        var claimed = await _database.AdminScalarAsync<string>(
            "SELECT coalesce(string_agg(document_id::text, ','), '') FROM claim_queued_documents(10, interval '1 hour', 'fire-new')");

        claimed.ShouldBe(dead.ToString());
        (await _database.AdminScalarAsync<string>($"SELECT status || '/' || claimed_by FROM documents WHERE id = '{dead}'")).ShouldBe("Queued/fire-new");
        (await _database.AdminScalarAsync<string>($"SELECT status || '/' || claimed_by FROM documents WHERE id = '{alive}'")).ShouldBe("Parsing/fire-alive");
        // Queued under a claim: taken again only once the claimant's fire is gone, however recent the claim.
        await _database.AdminScalarAsync<int>("""
            INSERT INTO qrtz_fired_triggers (sched_name, entry_id, trigger_name, trigger_group, instance_name, fired_time, sched_time,
                                             priority, state, job_name, job_group, is_nonconcurrent, requests_recovery)
            VALUES ('test', 'fire-new', 't', 'g', 'node', 0, 0, 5, 'EXECUTING', 'j', 'g', false, true);
            SELECT 1
            """);
        (await _database.AdminScalarAsync<long>("SELECT count(*) FROM claim_queued_documents(10, interval '1 hour', NULL)")).ShouldBe(0);
        await _database.AdminScalarAsync<int>("DELETE FROM qrtz_fired_triggers WHERE entry_id = 'fire-new'; SELECT 1");
        (await _database.AdminScalarAsync<string>("SELECT document_id::text FROM claim_queued_documents(10, interval '1 hour', NULL)")).ShouldBe(dead.ToString());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await _database.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }
}
