using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
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
    private Process? _app;

    public Task InitializeAsync() => _database.InitializeAsync();

    [Fact]
    public async Task Documents_in_flight_when_the_process_is_killed_end_indexed_exactly_once_after_a_restart()
    {
        var port = FreePort();
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        await StartAsync(port);
        var token = await RegisterAsync(client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(client);
        var files = new List<(string, byte[])>();
        for (var i = 0; i < 3; i++) files.Add(($"scan-{i}.pdf", PdfSamples.ScannedPdf($"Scanned page number {i} of the crash test")));
        for (var i = 0; i < 3; i++) files.Add(($"note-{i}.md", Encoding.UTF8.GetBytes($"# Note {i}\n\n{TextSamples.EnglishParagraph(i)}\n")));
        var uploaded = await DocumentApi.UploadOkAsync(client, kb, [.. files]);

        await WaitUntilAsync(async () => (await StatusesAsync(client, uploaded)).Any(s => s is "Parsing" or "Chunking" or "Indexing"), TimeSpan.FromSeconds(30));
        _app!.Kill(entireProcessTree: true);
        await _app.WaitForExitAsync();

        await StartAsync(port);
        var done = await DocumentApi.WaitAsync(client, uploaded.Select(u => u.Id), TimeSpan.FromSeconds(75));
        foreach (var (id, document) in done)
        {
            var status = document.GetProperty("status").GetString();
            status.ShouldBeOneOf(["Indexed", "Failed"], document.GetRawText());
            if (status != "Indexed") continue;
            var version = document.GetProperty("version").GetInt32();
            var rows = await _database.AdminScalarAsync<long>($"SELECT count(*) FROM chunks WHERE document_id = '{id}'");
            rows.ShouldBe(document.GetProperty("chunkCount").GetInt32(), document.GetRawText());
            (await _database.AdminScalarAsync<long>($"SELECT count(*) FROM chunks WHERE document_id = '{id}' AND document_version <> {version}")).ShouldBe(0);
            (await _database.AdminScalarAsync<long>($"SELECT count(DISTINCT chunk_index) FROM chunks WHERE document_id = '{id}'")).ShouldBe(rows);
        }
        done.Values.Count(d => d.GetProperty("status").GetString() == "Indexed").ShouldBeGreaterThan(0);
    }

    private async Task StartAsync(int port)
    {
        var root = PortalDatabase.RepoRoot();
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(root, $"src/Portal.Web/bin/{configuration}/net10.0/Portal.Web.dll"));
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add($"http://127.0.0.1:{port}");
        var env = psi.Environment;
        env["ASPNETCORE_ENVIRONMENT"] = "Development";
        env["ConnectionStrings__Portal"] = _database.AppConnectionString;
        env["ConnectionStrings__PortalMigrations"] = _database.OwnerConnectionString;
        env["Web__MigrateOnStartup"] = "false";
        env["Web__DataProtectionKeysPath"] = Path.Combine(_data, "keys");
        env["Blobs__Root"] = Path.Combine(_data, "blobs");
        env["RateLimiting__PermitsPerMinutePerPrincipal"] = "1000000";
        env["RateLimiting__PermitsPerMinutePerIp"] = "1000000";
        env["RateLimiting__SignInPermitsPerMinutePerIp"] = "1000000";
        env["Ingestion__Jobs__DispatchInterval"] = "00:00:01";
        env["Ingestion__Jobs__RetryBackoff"] = "00:00:01";
        env["Ingestion__Jobs__ClusterCheckinInterval"] = "00:00:01";
        env["Ingestion__Jobs__ClusterCheckinMisfireThreshold"] = "00:00:02";
        env["Logging__LogLevel__Default"] = "Warning";
        _app = Process.Start(psi)!;
        _app.OutputDataReceived += (_, _) => { };
        _app.ErrorDataReceived += (_, _) => { };
        _app.BeginOutputReadLine();
        _app.BeginErrorReadLine();
        using var probe = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await WaitUntilAsync(async () =>
        {
            if (_app.HasExited) throw new InvalidOperationException($"The app exited with {_app.ExitCode}.");
            try { return (await probe.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK; }
            catch (HttpRequestException) { return false; }
        }, TimeSpan.FromSeconds(40));
    }

    private static async Task<string> RegisterAsync(HttpClient client)
    {
        var email = $"crash-{Guid.NewGuid():N}@example.test";
        (await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = "correct horse battery", tenantName = "Crash" })).EnsureSuccessStatusCode();
        var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "correct horse battery" });
        login.EnsureSuccessStatusCode();
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private static async Task<List<string?>> StatusesAsync(HttpClient client, IEnumerable<DocumentApi.Uploaded> documents) =>
        [.. await Task.WhenAll(documents.Select(async d => (await DocumentApi.GetDocumentAsync(client, d.Id)).GetProperty("status").GetString()))];

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not hold in time.");
            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        if (_app is { HasExited: false }) { _app.Kill(entireProcessTree: true); await _app.WaitForExitAsync(); }
        await _database.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }
}
