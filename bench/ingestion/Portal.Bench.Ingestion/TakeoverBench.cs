using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.States;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Portal.Jobs;

namespace Portal.Bench.Ingestion;

/// <summary>
/// Takeover of a dead worker's work, with real processes on the real database: a web node that serves no queue, and
/// two worker nodes on the ingest and maintenance queues, B running throughout and A started fresh for every round.
/// A round pauses B (SIGSTOP) while it uploads a PDF and enqueues a plain Hangfire job on the maintenance queue
/// (<c>Thread.Sleep</c>), so A takes both; once A has the document in flight under its lease and the job Processing,
/// it resumes B and kills A with SIGKILL, A's parser processes with it (as when a container or machine dies). Timed
/// from the kill: until B has the document in flight under its own lease, until the document is Indexed (checked to
/// hold one set of chunks, as many as a clean ingestion of the same pages gives), and until B's maintenance server
/// has the job Processing. Each figure is also given as a ratio to its configured bound:
/// <c>Ingestion:Jobs:LeaseTimeout + DispatchInterval</c> for documents, <c>Jobs:InvisibilityTimeout + PollInterval</c>
/// for any other job.
/// </summary>
internal static class TakeoverBench
{
    // Enough pages that the victim, cold, is still on the document when it is killed (a warm node takes about a second).
    private const int PdfPages = 300;

    public static async Task<int> RunAsync(int rounds)
    {
        var configured = new ConfigurationBuilder().AddJsonFile(Path.Combine(ThrowawayDatabase.Root(), "appsettings.json")).Build();
        TimeSpan Setting(string key) => configured.GetValue<TimeSpan>(key);
        var defaults = new TakeoverTimeouts("configured defaults", Setting("Ingestion:Jobs:LeaseTimeout"),
            Setting("Ingestion:Jobs:DispatchInterval"), Setting("Jobs:InvisibilityTimeout"), Setting("Jobs:PollInterval"));
        var shortened = new TakeoverTimeouts("shortened", TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1),
            TimeSpan.FromSeconds(10), defaults.Poll);
        Console.WriteLine($"Takeover: {rounds} kills per row, a {PdfPages}-page PDF and a Thread.Sleep job on maintenance each; "
            + $"{Environment.ProcessorCount} cores, load {EndToEndBench.Load()}");
        var ok = true;
        var rows = Environment.GetEnvironmentVariable("BENCH_TAKEOVER_ROWS") == "defaults" ? [defaults] : new[] { defaults, shortened };
        foreach (var row in rows) ok &= await MeasureAsync(row, rounds);
        Console.WriteLine($"load average after: {EndToEndBench.Load()}");
        return ok ? 0 : 1;
    }

    private static async Task<bool> MeasureAsync(TakeoverTimeouts timeouts, int rounds)
    {
        Console.WriteLine($"-- {timeouts.Describe()}");
        await using var database = await ThrowawayDatabase.CreateAsync();
        var blobs = Directory.CreateTempSubdirectory("portal-bench-takeover-");
        var web = EndToEndBench.StartApp(database, blobs.FullName, out var port,
            settings: new Dictionary<string, string> { ["Jobs__Server"] = "false" });
        var nodes = new WorkerNodes(database, blobs.FullName, timeouts, rounds);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2) };
            await EndToEndBench.WaitReadyAsync(http, web);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await EndToEndBench.SignUpAsync(http));
            var kb = await EndToEndBench.CreateKnowledgeBaseAsync(http);
            var survivor = await nodes.StartAsync();

            // B alone ingests the same pages once: it is warm, and its chunk count is what every taken-over run must give.
            var clean = await UploadAsync(http, kb, Pdf("clean"));
            await WaitIndexedAsync(database, clean, TimeSpan.FromMinutes(5));
            var expectedChunks = await ChunkCountAsync(database, clean);
            var client = HangfireClient(database);
            var figures = new List<TakeoverRound>();
            for (var round = 0; round < rounds; round++)
            {
                var victim = await nodes.StartAsync();
                Signal(survivor, "STOP");
                Guid document;
                string job;
                try
                {
                    document = await UploadAsync(http, kb, Pdf($"round {round}"));
                    job = client.Create(() => Thread.Sleep(TimeSpan.FromMinutes(30)), new EnqueuedState(JobQueues.Maintenance));
                    await TakeoverProbe.WaitStartedAsync(database, document, job, victim.Id);
                }
                finally { Signal(survivor, "CONT"); }
                var probe = await TakeoverProbe.KillAndWatchAsync(database, victim, survivor.Id, document, job, TimeSpan.FromMinutes(5));
                var chunks = await ChunkCountAsync(database, document);
                var distinct = await database.ScalarAsync<long>(
                    $"SELECT count(DISTINCT (document_version, chunk_index)) FROM chunks WHERE document_id = '{document}'");
                var once = chunks == expectedChunks && distinct == chunks;
                figures.Add(probe with { ExactlyOnce = once });
                Console.WriteLine($"  round {round + 1}: lease age at kill {probe.LeaseAge:F1} s; document restarted on B after "
                    + $"{probe.DocumentStarted:F2} s, Indexed after {probe.DocumentIndexed:F2} s ({chunks} chunks, {distinct} distinct, "
                    + $"clean run {expectedChunks}: {(once ? "once" : "NOT ONCE")}); maintenance job Processing on B after {probe.JobStarted:F2} s");
            }
            Report(timeouts, figures);
            return figures.All(f => f.ExactlyOnce);
        }
        finally
        {
            await nodes.DisposeAsync();
            web.Kill(entireProcessTree: true);
            await web.WaitForExitAsync();
            web.Dispose();
            blobs.Delete(recursive: true);
        }
    }

    private static void Report(TakeoverTimeouts timeouts, List<TakeoverRound> figures)
    {
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        }
        void Line(string what, Func<TakeoverRound, double> pick, TimeSpan bound)
        {
            var p50 = Median(figures.Select(pick));
            var max = figures.Max(pick);
            Console.WriteLine($"{what}: p50 {p50:F2} s, max {max:F2} s; bound {bound.TotalSeconds:F0} s; "
                + $"ratio p50 {p50 / bound.TotalSeconds:F2}, max {max / bound.TotalSeconds:F2}");
        }
        Console.WriteLine($"{timeouts.Name}, {figures.Count} kills, exactly once: {figures.Count(f => f.ExactlyOnce)}/{figures.Count}");
        Line("  kill -> document restarted on B ", f => f.DocumentStarted, timeouts.DocumentBound);
        Line("  kill -> document Indexed        ", f => f.DocumentIndexed, timeouts.DocumentBound);
        Line("  kill -> maintenance job on B    ", f => f.JobStarted, timeouts.JobBound);
    }

    private static byte[] Pdf(string title) => PdfSamples.TextPdf([.. Enumerable.Range(0, PdfPages).Select(p =>
        (p == 0 ? $"Takeover {title}\n\n" : "") + string.Join("\n\n", Enumerable.Range(0, 4).Select(k => TextSamples.EnglishParagraph(p * 10 + k))))]);

    private static async Task<Guid> UploadAsync(HttpClient http, Guid kb, byte[] pdf)
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(pdf);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "files", "takeover.pdf");
        var response = await http.PostAsync($"/api/v1/knowledge-bases/{kb}/documents", form);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"upload: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("documents")[0].GetProperty("id").GetGuid();
    }

    private static async Task WaitIndexedAsync(ThrowawayDatabase database, Guid document, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (await database.ScalarAsync<string>($"SELECT status FROM documents WHERE id = '{document}'") != "Indexed")
        {
            if (clock.Elapsed > limit) throw new TimeoutException($"document {document} was not indexed");
            await Task.Delay(100);
        }
    }

    private static Task<long> ChunkCountAsync(ThrowawayDatabase database, Guid document) =>
        database.ScalarAsync<long>($"SELECT count(*) FROM chunks WHERE document_id = '{document}'");

    /// <summary>A Hangfire client on the nodes' storage, serialising jobs as the nodes do.</summary>
    private static BackgroundJobClient HangfireClient(ThrowawayDatabase database)
    {
        GlobalConfiguration.Configuration.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings();
        var options = new PostgreSqlStorageOptions { SchemaName = JobsRegistration.Schema, PrepareSchemaIfNecessary = false };
        return new BackgroundJobClient(new PostgreSqlStorage(new NpgsqlConnectionFactory(database.AppConnectionString, options), options));
    }

    /// <summary>SIGSTOP or SIGCONT to a node's process.</summary>
    private static void Signal(Process node, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", node.Id.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {node.Id} failed");
    }
}
