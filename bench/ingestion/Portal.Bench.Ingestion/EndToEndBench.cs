using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Npgsql;

namespace Portal.Bench.Ingestion;

/// <summary>
/// The real pipeline through the database: the Release web app as its own process on a throwaway database,
/// files uploaded through <c>POST /api/v1/knowledge-bases/{kbId}/documents</c> (blob, row and queue entry in
/// one transaction), ingested by the Hangfire jobs of the ingest queue (Parsing → Chunking → Indexing with the keyword index and the
/// embedder → Indexed). Timed from the first upload until the poll that sees the last document finished.
/// Raw <c>pdftotext</c> over the same PDFs runs before and after the pipeline, one process at a time and with
/// as many at once as the app ingests documents at once, and the ratio is taken against their mean.
/// </summary>
internal static class EndToEndBench
{
    // Enough documents through every per-document method for the JIT's tiers (tier 0, instrumented, optimised)
    // to be asked for; WaitIdleAsync then lets the app's background compiling finish, as on a server that has
    // been up for a while. Without both, part of a measured phase is the JIT compiling on one of the two cores.
    private const int WarmUpRounds = 6;

    /// <summary>Waits (at most 2 minutes) until the app uses under 5% of a core over half a second; returns the seconds waited.</summary>
    private static async Task<double> WaitIdleAsync(Process app)
    {
        var clock = Stopwatch.StartNew();
        var last = CpuSeconds(app.Id);
        while (clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(500);
            var now = CpuSeconds(app.Id);
            if (now - last < 0.025) break;
            last = now;
        }
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>User + system CPU seconds of a process, from /proc (fields 14 and 15 of its stat line).</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    public static async Task<int> RunAsync()
    {
        using var corpus = BenchCorpus.Generate();
        var concurrency = int.TryParse(Environment.GetEnvironmentVariable("Ingestion__Jobs__MaxConcurrency"), out var c) ? c : Math.Max(2, Environment.ProcessorCount);
        var appPath = Environment.GetEnvironmentVariable("PORTAL_BENCH_APP");
        Console.WriteLine("App: " + (string.IsNullOrEmpty(appPath) ? "this checkout's Release build" : appPath));
        Console.WriteLine($"Corpus: {BenchCorpus.Pdfs} PDFs ({BenchCorpus.TotalPages} pages), {corpus.OtherPaths.Count} DOCX/HTML files; "
            + $"{Environment.ProcessorCount} cores, load {Load()}; pipeline concurrency {concurrency}");

        await using var database = await ThrowawayDatabase.CreateAsync();
        var blobs = Directory.CreateTempSubdirectory("portal-bench-blobs-");
        using var app = StartApp(database, blobs.FullName, out var port);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5) };
            await WaitReadyAsync(http, app);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await SignUpAsync(http));

            // Warm-up outside the timing, over every kind of file measured below (in knowledge bases of their own, so
            // nothing measured is a duplicate): the JIT in the app, the parser workers and this process, the connection
            // pools and the embedder. A server that has been up for a while is in this state; without it the first
            // PDFs pay for compiling the PDF path, and compiling competes with the pipeline for the two cores.
            for (var round = 0; round < WarmUpRounds; round++)
                await IngestAsync(http, database, await CreateKnowledgeBaseAsync(http), [.. corpus.PdfPaths, corpus.OtherPaths[0], corpus.OtherPaths[1]], quiet: true);
            await RawPdftotextAsync(corpus.PdfPaths, concurrency);
            Console.WriteLine($"Warm-up: {WarmUpRounds} rounds; the app was idle again {await WaitIdleAsync(app):F1} s after them");

            var rawBefore = await RawPdftotextAsync(corpus.PdfPaths, concurrency);
            var pdfKb = await CreateKnowledgeBaseAsync(http);
            var pdf = await IngestAsync(http, database, pdfKb, corpus.PdfPaths);
            var rawAfter = await RawPdftotextAsync(corpus.PdfPaths, concurrency);
            var otherKb = await CreateKnowledgeBaseAsync(http);
            var other = await IngestAsync(http, database, otherKb, corpus.OtherPaths);

            double rawSequential = (rawBefore.Sequential + rawAfter.Sequential) / 2, rawParallel = (rawBefore.Parallel + rawAfter.Parallel) / 2;
            double Pages(double seconds) => BenchCorpus.TotalPages / seconds;
            Console.WriteLine($"raw pdftotext, 1 at a time:   {rawSequential,7:F2} s  {Pages(rawSequential),8:F1} pages/s  (before {rawBefore.Sequential:F2} s, after {rawAfter.Sequential:F2} s)");
            Console.WriteLine($"raw pdftotext, {concurrency} at a time:   {rawParallel,7:F2} s  {Pages(rawParallel),8:F1} pages/s  (before {rawBefore.Parallel:F2} s, after {rawAfter.Parallel:F2} s)");
            Console.WriteLine($"end-to-end, PDFs:             {pdf.Seconds,7:F2} s  {Pages(pdf.Seconds),8:F1} pages/s  {pdf.Chunks / pdf.Seconds,8:F1} chunks/s  ({pdf.Chunks} chunks, {pdf.Failed} failed)");
            Console.WriteLine($"end-to-end, DOCX + HTML:      {other.Seconds,7:F2} s  {other.Documents / other.Seconds,8:F1} files/s  {other.Chunks / other.Seconds,8:F1} chunks/s  ({other.Chunks} chunks, {other.Failed} failed)");
            Console.WriteLine($"PDF stages, summed over documents: upload {pdf.UploadSeconds:F2} s wall; queue wait {pdf.Stages["wait"]:F2} s, "
                + $"parse {pdf.Stages["parse"]:F2} s, chunk {pdf.Stages["chunk"]:F2} s, index {pdf.Stages["index"]:F2} s "
                + $"(chunk rows {pdf.Stages["write"]:F2} s, keyword index {pdf.Stages["keyword"]:F2} s, vectors {pdf.Stages["vector"]:F2} s)");
            Console.WriteLine($"load average after: {Load()}");
            Console.WriteLine($"ratio end-to-end/raw pdftotext ({concurrency} at a time): {Pages(pdf.Seconds) / Pages(rawParallel):F2}");
            Console.WriteLine($"ratio end-to-end/raw pdftotext (1 at a time): {Pages(pdf.Seconds) / Pages(rawSequential):F2}");
            return pdf.Failed + other.Failed == 0 ? 0 : 1;
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
            blobs.Delete(recursive: true);
        }
    }

    private sealed record Ingested(double Seconds, double UploadSeconds, int Documents, long Chunks, int Failed, Dictionary<string, double> Stages);

    /// <summary>Uploads one file per request, three at a time (as the portal's upload page does), and waits for all to finish.</summary>
    private static async Task<Ingested> IngestAsync(HttpClient http, ThrowawayDatabase database, Guid kb, IReadOnlyList<string> files, bool quiet = false)
    {
        // One open connection polls (a new one per poll would fork a database backend every 10 ms, and the
        // benchmark would compete with the pipeline it measures).
        await using var poll = new NpgsqlConnection(database.Admin);
        await poll.OpenAsync();
        await using var pending = new NpgsqlCommand(
            $"SELECT count(*) FROM documents WHERE knowledge_base_id = '{kb}' AND status NOT IN ('Indexed', 'Failed')", poll);
        await pending.PrepareAsync();
        var clock = Stopwatch.StartNew();
        var timeline = !quiet && Environment.GetEnvironmentVariable("BENCH_TIMELINE") == "1";
        if (timeline) Console.WriteLine($"  phase start {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}");
        var ids = new List<Guid>();
        using var gate = new SemaphoreSlim(3);
        await Task.WhenAll(files.Select(async file =>
        {
            await gate.WaitAsync();
            try
            {
                using var form = new MultipartFormDataContent();
                var part = new ByteArrayContent(await File.ReadAllBytesAsync(file));
                part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                form.Add(part, "files", Path.GetFileName(file));
                var response = await http.PostAsync($"/api/v1/knowledge-bases/{kb}/documents", form);
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"upload of {file}: {(int)response.StatusCode} {body}");
                var document = JsonDocument.Parse(body).RootElement.GetProperty("documents")[0];
                if (document.TryGetProperty("duplicateOf", out var duplicate) && duplicate.ValueKind != JsonValueKind.Null)
                    throw new InvalidOperationException($"{file} was a duplicate; the corpus must be distinct");
                lock (ids) ids.Add(document.GetProperty("id").GetGuid());
            }
            finally { gate.Release(); }
        }));
        var uploaded = clock.Elapsed.TotalSeconds;
        while ((long)(await pending.ExecuteScalarAsync())! > 0)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(20)) throw new TimeoutException("ingestion did not finish in 20 minutes");
            await Task.Delay(10);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        if (timeline) Console.WriteLine($"  phase end {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}");
        var failed = await database.ScalarAsync<long>($"SELECT count(*) FROM documents WHERE knowledge_base_id = '{kb}' AND status = 'Failed'");
        var chunks = await database.ScalarAsync<long>($"SELECT count(*) FROM chunks WHERE knowledge_base_id = '{kb}'");
        var stages = new Dictionary<string, double>
        {
            ["wait"] = await database.ScalarAsync<double>($"SELECT coalesce(sum(extract(epoch FROM started_at - created_at)), 0)::float8 FROM documents WHERE knowledge_base_id = '{kb}'"),
        };
        foreach (var stage in new[] { "parse", "chunk", "index" })
            stages[stage] = await database.ScalarAsync<double>($"SELECT coalesce(sum((timings->>'{stage}Ms')::float8), 0) / 1000 FROM documents WHERE knowledge_base_id = '{kb}'");
        foreach (var part in new[] { "write", "keyword", "vector" })
            stages[part] = await database.ScalarAsync<double>($"SELECT coalesce(sum((timings->'index'->>'{part}Ms')::float8), 0) / 1000 FROM documents WHERE knowledge_base_id = '{kb}'");
        if (timeline) await PrintTimelineAsync(database, kb);
        return new Ingested(seconds, uploaded, ids.Count, chunks, (int)failed, stages);
    }

    /// <summary>Per document: created, started and finished, in milliseconds after the first upload committed (for profiling).</summary>
    private static async Task PrintTimelineAsync(ThrowawayDatabase database, Guid kb)
    {
        await using var conn = new NpgsqlConnection(database.Admin);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"""
            WITH t0 AS (SELECT min(created_at) AS t FROM documents WHERE knowledge_base_id = '{kb}')
            SELECT name, (extract(epoch FROM created_at - t) * 1000)::int, (extract(epoch FROM started_at - t) * 1000)::int,
                   (extract(epoch FROM finished_at - t) * 1000)::int, timings::text
            FROM documents, t0 WHERE knowledge_base_id = '{kb}' ORDER BY started_at
            """, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            Console.WriteLine($"  {reader.GetString(0),-12} created {reader.GetInt32(1),6} started {reader.GetInt32(2),6} finished {reader.GetInt32(3),6}  {reader.GetString(4)}");
    }

    private static async Task<(double Sequential, double Parallel)> RawPdftotextAsync(IReadOnlyList<string> pdfs, int concurrency)
    {
        static async Task RunOne(string pdf)
        {
            using var process = Process.Start(new ProcessStartInfo("pdftotext", ["-enc", "UTF-8", pdf, "-"]) { RedirectStandardOutput = true })!;
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
        }
        var sequential = Stopwatch.StartNew();
        foreach (var pdf in pdfs) await RunOne(pdf);
        sequential.Stop();
        var parallel = Stopwatch.StartNew();
        await Parallel.ForEachAsync(pdfs, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (pdf, _) => await RunOne(pdf));
        parallel.Stop();
        return (sequential.Elapsed.TotalSeconds, parallel.Elapsed.TotalSeconds);
    }

    internal static async Task<Guid> CreateKnowledgeBaseAsync(HttpClient http)
    {
        var response = await http.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "bench " + Guid.NewGuid().ToString("N")[..6] });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    internal static async Task<string> SignUpAsync(HttpClient http)
    {
        const string password = "bench password 123";
        var email = $"bench-{Guid.NewGuid():N}@example.test";
        (await http.PostAsJsonAsync("/api/v1/auth/register", new { email, password, tenantName = "Bench" })).EnsureSuccessStatusCode();
        var login = await http.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        login.EnsureSuccessStatusCode();
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    internal static Process StartApp(ThrowawayDatabase database, string blobs, out int port, string project = "Portal.Web",
        IDictionary<string, string>? settings = null)
    {
        port = FreePort();
        var root = ThrowawayDatabase.Root();
        // PORTAL_BENCH_APP points at another build of Portal.Web.dll (say, the previous commit's) for before/after figures.
        var dll = project == "Portal.Web" && Environment.GetEnvironmentVariable("PORTAL_BENCH_APP") is { Length: > 0 } other
            ? Path.GetFullPath(other) : Path.Combine(root, $"src/{project}/bin/Release/net10.0/{project}.dll");
        // The checkout that built the app: its appsettings.json is the app's configuration.
        var info = PortalAppLaunch.StartInfo(dll, ThrowawayDatabase.Root(Path.GetDirectoryName(dll)!), port, new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Portal"] = database.AppConnectionString,
            ["ConnectionStrings__PortalMigrations"] = database.OwnerConnectionString,
            ["Web__MigrateOnStartup"] = "true",
            ["Web__DataProtectionKeysPath"] = Path.Combine(blobs, ".keys"),
            ["Blobs__Root"] = blobs,
        }.Concat(settings ?? new Dictionary<string, string>()));
        var process = PortalAppLaunch.StartEchoingFailures(info);
        return process;
    }

    internal static async Task WaitReadyAsync(HttpClient http, Process app)
    {
        for (var i = 0; i < 600; i++)
        {
            if (app.HasExited) throw new InvalidOperationException($"The app exited with {app.ExitCode}.");
            try { if ((await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK) return; }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        throw new InvalidOperationException("The app did not become ready.");
    }

    internal static string Load() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "n/a";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A fresh database with the production roles (deploy/postgres/bootstrap.sql); the app migrates it at start-up. Dropped at the end.</summary>
internal sealed class ThrowawayDatabase : IAsyncDisposable
{
    private ThrowawayDatabase(string name, NpgsqlConnectionStringBuilder admin)
    {
        Name = name;
        Admin = admin.ConnectionString;
        AppConnectionString = $"Host=127.0.0.1;Port={admin.Port};Database={name};Username=portal_app;Password=portal_app_dev;Maximum Pool Size=40";
        OwnerConnectionString = $"Host=127.0.0.1;Port={admin.Port};Database={name};Username=portal_owner;Password=portal_owner_dev;Pooling=false";
    }

    public string Name { get; }
    public string Admin { get; }
    public string AppConnectionString { get; }
    public string OwnerConnectionString { get; }

    public static async Task<ThrowawayDatabase> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable("PORTAL_ADMIN_CONNECTION")
            ?? throw new InvalidOperationException("PORTAL_ADMIN_CONNECTION is not set; run through ./portal bench ingestion.");
        var name = $"portal_bench_ingestion_{Guid.NewGuid().ToString("N")[..8]}";
        var admin = new NpgsqlConnectionStringBuilder(server);
        using var psql = Process.Start(new ProcessStartInfo("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", admin.Host!, "-p", admin.Port.ToString(CultureInfo.InvariantCulture),
            "-U", admin.Username!, "-d", "postgres", "-v", $"db={name}", "-f", Path.Combine(Root(), "deploy/postgres/bootstrap.sql")]))!;
        await psql.WaitForExitAsync();
        if (psql.ExitCode != 0) throw new InvalidOperationException("bootstrap.sql failed");
        admin.Database = name;
        return new ThrowawayDatabase(name, admin);
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var conn = new NpgsqlConnection(Admin);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public static string Root(string? below = null)
    {
        for (var dir = new DirectoryInfo(below ?? AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Portal.sln"))) return dir.FullName;
        throw new InvalidOperationException("Portal.sln not found");
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        var admin = new NpgsqlConnectionStringBuilder(Admin) { Database = "postgres" };
        await using var conn = new NpgsqlConnection(admin.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
