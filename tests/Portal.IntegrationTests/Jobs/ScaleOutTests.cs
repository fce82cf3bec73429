using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.IntegrationTests.Documents;

namespace Portal.IntegrationTests.Jobs;

/// <summary>
/// Two web nodes and a worker as real processes on one database and one shared blob folder: an upload through one web
/// node is ingested wherever the ingest queue is served and found through the other, and killing the node that took the
/// upload mid-ingestion loses nothing.
/// </summary>
public sealed class ScaleOutTests : IAsyncLifetime
{
    private readonly PortalDatabase _database = new();
    private readonly string _data = Directory.CreateTempSubdirectory("portal-scale-").FullName;
    private PortalProcess? _webA, _webB, _worker;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        // A serves HTTP and ingests; B only serves HTTP; the worker takes every queue.
        _webA = new PortalProcess(_database, _data, new Dictionary<string, string> { ["Jobs__Queues"] = "ingest" });
        _webB = new PortalProcess(_database, _data, new Dictionary<string, string> { ["Jobs__Server"] = "false" });
        _worker = new PortalProcess(_database, _data, project: "Portal.Worker");
        await Task.WhenAll(_webA.StartAsync(), _webB.StartAsync(), _worker.StartAsync());
    }

    [Fact]
    public async Task An_upload_through_one_node_is_indexed_by_the_cluster_and_found_through_another_after_the_first_is_killed()
    {
        using (var health = _worker!.CreateClient())
        {
            var ready = await health.GetAsync("/readyz");
            ready.StatusCode.ShouldBe(HttpStatusCode.OK, await ready.Content.ReadAsStringAsync());
            (await health.GetAsync("/api/v1/knowledge-bases")).StatusCode.ShouldBe(HttpStatusCode.NotFound, "a worker serves no tenant API");
        }
        var token = await _webA!.RegisterAsync();
        var clientA = _webA.CreateClient();
        clientA.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(clientA);
        var files = Enumerable.Range(0, 6).Select(i => ($"scan-{i}.pdf", PdfSamples.ScannedPdf($"Lighthouse keeper number {i} logbook"))).ToArray();
        var uploaded = await DocumentApi.UploadOkAsync(clientA, kb, files);

        await PortalProcess.WaitUntilAsync(async () => await _database.AdminScalarAsync<long>(
            "SELECT count(*) FROM documents WHERE status IN ('Parsing', 'Chunking', 'Indexing')") > 0, TimeSpan.FromSeconds(60));
        await _webA.KillAsync();

        var clientB = _webB!.CreateClient();
        clientB.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var done = await DocumentApi.WaitAsync(clientB, uploaded.Select(u => u.Id), TimeSpan.FromSeconds(120));
        await IngestionChecks.IndexedExactlyOnceOrFailedAsync(_database, done);
        done.Values.ShouldAllBe(d => d.GetProperty("status").GetString() == "Indexed");
        // The worker ran ingestion jobs (the web node B serves no queue, and A was killed).
        var workerPid = _worker.App.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        (await _database.AdminScalarAsync<long>(
            $"SELECT count(*) FROM hangfire.state WHERE name = 'Processing' AND data->>'ServerId' LIKE '%:{workerPid}:ingest:%'")).ShouldBeGreaterThan(0);

        var search = await clientB.PostAsJsonAsync("/api/v1/search", new { query = "lighthouse keeper logbook", knowledgeBaseIds = new[] { kb } });
        search.StatusCode.ShouldBe(HttpStatusCode.OK);
        var results = (await search.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results");
        results.GetArrayLength().ShouldBeGreaterThan(0);
    }

    public async Task DisposeAsync()
    {
        foreach (var node in new[] { _webA, _webB, _worker }) if (node is not null) await node.DisposeAsync();
        await _database.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }
}
