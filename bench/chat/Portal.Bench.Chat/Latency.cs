using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Portal.Bench.Retrieval;
using Portal.Documents;

namespace Portal.Bench.Chat;

/// <summary>
/// The real web app (Release build, its own process) on 127.0.0.1 over a fresh database holding one
/// knowledge base of N chunks (default 10,000). Clients stream questions (<c>stream: true</c>) with the
/// extractive generator; time to first byte is until the first SSE event arrives, time to done until
/// the <c>done</c> event. Runs at 1 and 8 concurrent clients after a warm-up.
/// </summary>
internal static class Latency
{
    private const int Warmup = 30, SequentialRequests = 200, ConcurrentRequestsPerClient = 40;

    public static async Task RunAsync(int chunkCount)
    {
        await using var bench = await BenchDatabase.CreateAsync("chat");
        var port = FreePort();
        using var app = StartApp(bench, port);
        try { await MeasureAsync(bench, port, chunkCount); }
        finally { app.Kill(entireProcessTree: true); }
    }

    private static async Task MeasureAsync(BenchDatabase bench, int port, int chunkCount)
    {
        var baseUri = new Uri($"http://127.0.0.1:{port}");
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(2) };
        await WaitReadyAsync(http);

        const string password = "bench password 123";
        var email = $"bench-{Guid.NewGuid():N}@example.test";
        var registered = await (await http.PostAsJsonAsync("/api/v1/auth/register", new { email, password, tenantName = "Bench" })).EnsureSuccessStatusCode()
            .Content.ReadFromJsonAsync<RegisterBody>();
        var token = (await (await http.PostAsJsonAsync("/api/v1/auth/login", new { email, password })).EnsureSuccessStatusCode()
            .Content.ReadFromJsonAsync<TokenBody>())!.AccessToken;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var tenant = registered!.TenantId;
        var kb = Guid.CreateVersion7();
        var corpus = new SyntheticCorpus(seed: 7);
        var watch = Stopwatch.StartNew();
        await bench.InTenantAsync(tenant, async (db, _) =>
        {
            db.KnowledgeBases.Add(new KnowledgeBase { Id = kb, TenantId = tenant, Name = "bench" });
            await db.SaveChangesAsync();
            return 0;
        });
        const int perDocument = 10;
        for (var d = 0; d < chunkCount / perDocument; d += 50)
        {
            var batchStart = d;
            await bench.InTenantAsync(tenant, async (db, sp) =>
            {
                var chunks = new List<Chunk>();
                for (var doc = batchStart; doc < Math.Min(batchStart + 50, chunkCount / perDocument); doc++)
                {
                    var id = Guid.CreateVersion7();
                    db.Documents.Add(new Document { Id = id, TenantId = tenant, KnowledgeBaseId = kb, Name = $"doc-{doc}.md", Format = "text",
                        ContentHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(id.ToByteArray())), BlobKey = "bench/" + id,
                        Status = DocumentStatus.Indexed, ActiveVersion = 1, CreatedBy = "bench" });
                    for (var i = 0; i < perDocument; i++)
                    {
                        var text = corpus.Chunk();
                        chunks.Add(new Chunk { TenantId = tenant, KnowledgeBaseId = kb, DocumentId = id, DocumentVersion = 1, ChunkIndex = i, Text = text,
                            CharEnd = text.Length, SourceName = $"doc-{doc}.md", SourceType = "text", Language = "en", TokenCount = text.Length / 4,
                            ContentHash = new string('0', 64) });
                    }
                }
                db.Chunks.AddRange(chunks);
                await db.SaveChangesAsync();
                foreach (var indexer in sp.GetServices<IChunkIndexer>()) await indexer.IndexAsync(db, kb, chunks, CancellationToken.None);
                return 0;
            });
        }
        Console.WriteLine($"Indexed {chunkCount} chunks in {watch.Elapsed.TotalSeconds:F0} s; {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

        var questions = Enumerable.Range(0, 2000).Select(_ => corpus.Question()).ToList();
        var next = 0;
        string Question() => questions[Interlocked.Increment(ref next) % questions.Count];
        for (var i = 0; i < Warmup; i++) await AskAsync(http, Question(), kb);

        Console.WriteLine("| clients | requests | TTFB p50 | TTFB p95 | done p50 | done p95 | answered | throughput |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var (clients, perClient) in new[] { (1, SequentialRequests), (8, ConcurrentRequestsPerClient) })
        {
            var samples = new System.Collections.Concurrent.ConcurrentBag<(double Ttfb, double Done, bool Answered)>();
            var wall = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
            {
                for (var r = 0; r < perClient; r++) samples.Add(await AskAsync(http, Question(), kb));
            }));
            var ttfb = samples.Select(s => s.Ttfb).Order().ToList();
            var done = samples.Select(s => s.Done).Order().ToList();
            Console.WriteLine($"| {clients} | {samples.Count} | {P(ttfb, 50)} | {P(ttfb, 95)} | {P(done, 50)} | {P(done, 95)} | "
                + $"{100.0 * samples.Count(s => s.Answered) / samples.Count:F0}% | {samples.Count / wall.Elapsed.TotalSeconds:F1} req/s |");
        }
        // Where the time goes: the app's own measure of each answer (messages.latency_ms, from the request
        // reaching the chat service to the answer stored), and the same questions through plain search.
        var server = await bench.ScalarAsync<string>("""
            SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms))::text || ' ms / ' ||
                   round(percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms))::text || ' ms'
            FROM messages WHERE role = 'assistant'
            """);
        Console.WriteLine($"Server-side answer time (all runs) p50 / p95: {server}");
        var searches = new List<double>();
        for (var i = 0; i < 100; i++)
        {
            var started = Stopwatch.GetTimestamp();
            (await http.PostAsJsonAsync("/api/v1/search", new { query = Question(), knowledgeBaseIds = new[] { kb }, topK = 10 })).EnsureSuccessStatusCode();
            searches.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        searches.Sort();
        Console.WriteLine($"POST /api/v1/search, same questions, 1 client, p50 / p95: {P(searches, 50)} / {P(searches, 95)}; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
    }

    private static async Task<(double Ttfb, double Done, bool Answered)> AskAsync(HttpClient http, string question, Guid kb)
    {
        var started = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/chat") { Content = JsonContent.Create(new { message = question, knowledgeBaseIds = new[] { kb }, stream = true }) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[16384];
        double? ttfb = null;
        var body = new StringBuilder();
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            ttfb ??= Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            body.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
        var text = body.ToString();
        if (!text.Contains("event: done")) throw new InvalidOperationException("No done event: " + text[..Math.Min(300, text.Length)]);
        return (ttfb!.Value, Stopwatch.GetElapsedTime(started).TotalMilliseconds, !text.Contains("\"flagged\":true"));
    }

    private static string P(List<double> sorted, int percentile) =>
        sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1)].ToString("F1", CultureInfo.InvariantCulture) + " ms";

    private static Process StartApp(BenchDatabase bench, int port)
    {
        var root = BenchDatabase.Root();
        var admin = new Npgsql.NpgsqlConnectionStringBuilder(bench.Admin);
        var info = PortalAppLaunch.StartInfo(Path.Combine(root, "src/Portal.Web/bin/Release/net10.0/Portal.Web.dll"), Path.Combine(root, "src/Portal.Web"), port,
            new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["ConnectionStrings__Portal"] = $"Host=127.0.0.1;Port={admin.Port};Database={bench.Name};Username=portal_app;Password=portal_app_dev;Maximum Pool Size=40",
                ["ConnectionStrings__PortalMigrations"] = $"Host=127.0.0.1;Port={admin.Port};Database={bench.Name};Username=portal_owner;Password=portal_owner_dev",
                ["Web__MigrateOnStartup"] = "false",
                ["Web__DataProtectionKeysPath"] = Path.Combine(Path.GetTempPath(), "portal-bench-keys-" + port),
            });
        var process = PortalAppLaunch.StartEchoingFailures(info);
        return process;
    }

    private static async Task WaitReadyAsync(HttpClient http)
    {
        for (var i = 0; i < 300; i++)
        {
            try { if ((await http.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK) return; }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        throw new InvalidOperationException("The app did not start.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record RegisterBody(Guid UserId, Guid TenantId);
    private sealed record TokenBody(string AccessToken);
}
