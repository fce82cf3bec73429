using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace Portal.Bench.Ingestion;

/// <summary>
/// Enqueue → start of ingestion jobs on the real app and database: uploads of one small text file, 60 ms apart, each of
/// which enqueues an ingestion job; the latency is Hangfire's own record of each job (its Processing state's time minus
/// its Enqueued state's), and beside it what a person sees (a document's <c>started_at - created_at</c>). Two set-ups in
/// the same run: one idle web node that also serves the ingest queue, and a web node that serves no queue with a worker
/// process that does (the enqueue crosses processes through PostgreSQL's NOTIFY).
/// </summary>
internal static class JobLatencyBench
{
    public static async Task<int> RunAsync(int jobs)
    {
        Console.WriteLine($"Job latency: {jobs} uploads 60 ms apart per set-up; {Environment.ProcessorCount} cores, load {EndToEndBench.Load()}");
        var single = await MeasureAsync("one node (web serves ingest)", jobs, worker: false);
        var split = await MeasureAsync("two processes (web enqueues, worker runs)", jobs, worker: true);
        Console.WriteLine($"load average after: {EndToEndBench.Load()}");
        Console.WriteLine($"p95 enqueue->start, one node: {single:F0} ms; across two processes: {split:F0} ms (target <= 1000 ms)");
        return single <= 1000 && split <= 1000 ? 0 : 1;
    }

    /// <summary>Returns the p95 of enqueue → start in milliseconds.</summary>
    private static async Task<double> MeasureAsync(string name, int jobs, bool worker)
    {
        await using var database = await ThrowawayDatabase.CreateAsync();
        var blobs = Directory.CreateTempSubdirectory("portal-bench-latency-");
        var settings = new Dictionary<string, string> { ["Jobs__Server"] = worker ? "false" : "true", ["Jobs__Queues"] = "ingest" };
        using var web = EndToEndBench.StartApp(database, blobs.FullName, out var port, settings: settings);
        Process? workerProcess = null;
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2) };
            await EndToEndBench.WaitReadyAsync(http, web);
            if (worker)
            {
                workerProcess = EndToEndBench.StartApp(database, blobs.FullName, out var workerPort, "Portal.Worker",
                    new Dictionary<string, string> { ["Jobs__Queues"] = "ingest" });
                using var health = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{workerPort}") };
                await EndToEndBench.WaitReadyAsync(health, workerProcess);
                // The worker's servers start once it has seen the job storage; give it a moment to announce itself.
                await WaitForServerAsync(database);
            }
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await EndToEndBench.SignUpAsync(http));
            var kb = await EndToEndBench.CreateKnowledgeBaseAsync(http);
            for (var i = 0; i < 5; i++) await UploadAsync(http, kb, $"warm-{i}");
            await Task.Delay(2000);
            var since = await database.ScalarAsync<DateTime>("SELECT now()::timestamp");
            for (var i = 0; i < jobs; i++)
            {
                var next = Task.Delay(60);
                await UploadAsync(http, kb, $"doc-{i}");
                await next;
            }
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            while (await database.ScalarAsync<long>($"SELECT count(*) FROM documents WHERE knowledge_base_id = '{kb}' AND status NOT IN ('Indexed', 'Failed')") > 0)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException("documents did not finish");
                await Task.Delay(50);
            }
            var jobLatencies = await LatenciesAsync(database, $"""
                SELECT extract(epoch FROM p.createdat - e.createdat) * 1000
                FROM hangfire.job j
                JOIN LATERAL (SELECT min(createdat) AS createdat FROM hangfire.state WHERE jobid = j.id AND name = 'Enqueued') e ON true
                JOIN LATERAL (SELECT min(createdat) AS createdat FROM hangfire.state WHERE jobid = j.id AND name = 'Processing') p ON true
                WHERE j.createdat >= '{since:O}' AND j.invocationdata::text LIKE '%IngestDocumentsJob%' AND p.createdat IS NOT NULL
                """);
            var documentLatencies = await LatenciesAsync(database, $"""
                SELECT extract(epoch FROM started_at - created_at) * 1000 FROM documents
                WHERE knowledge_base_id = '{kb}' AND created_at >= '{since:O}' AND started_at IS NOT NULL
                """);
            Console.WriteLine($"{name}: jobs enqueue->start p50 {Percentile(jobLatencies, 0.5):F0} ms, p95 {Percentile(jobLatencies, 0.95):F0} ms "
                + $"({jobLatencies.Count} jobs); documents upload->start p50 {Percentile(documentLatencies, 0.5):F0} ms, "
                + $"p95 {Percentile(documentLatencies, 0.95):F0} ms ({documentLatencies.Count} documents)");
            return Percentile(jobLatencies, 0.95);
        }
        finally
        {
            foreach (var process in new[] { web, workerProcess })
            {
                if (process is null) continue;
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            workerProcess?.Dispose();
            blobs.Delete(recursive: true);
        }
    }

    private static async Task WaitForServerAsync(ThrowawayDatabase database)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await database.ScalarAsync<bool>("SELECT to_regclass('hangfire.server') IS NOT NULL AND EXISTS (SELECT 1 FROM hangfire.server)"))
                return;
            await Task.Delay(100);
        }
        throw new TimeoutException("the worker's Hangfire server did not start");
    }

    private static async Task UploadAsync(HttpClient http, Guid kb, string name)
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(Encoding.UTF8.GetBytes($"# {name}\n\nA short note {Guid.NewGuid():N} for the latency benchmark.\n"));
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "files", name + ".md");
        var response = await http.PostAsync($"/api/v1/knowledge-bases/{kb}/documents", form);
        if (response.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"upload: {(int)response.StatusCode}");
    }

    private static async Task<List<double>> LatenciesAsync(ThrowawayDatabase database, string sql)
    {
        await using var conn = new Npgsql.NpgsqlConnection(database.Admin);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var values = new List<double>();
        while (await reader.ReadAsync()) values.Add(Convert.ToDouble(reader.GetValue(0), CultureInfo.InvariantCulture));
        values.Sort();
        return values;
    }

    private static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
}
