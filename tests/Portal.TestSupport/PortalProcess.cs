using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Portal.TestSupport;

/// <summary>
/// A real node as a child process on its own port, database and data folder, for tests that kill it or stop it with a
/// signal: the web app (the built Portal.Web.dll) or, with <paramref name="project"/> <c>Portal.Worker</c>, a worker.
/// Started again with <see cref="StartAsync"/> on the same port. Nodes given the same data folder share blobs and keys.
/// </summary>
public sealed class PortalProcess(PortalDatabase database, string dataDirectory, IDictionary<string, string>? settings = null,
    string project = "Portal.Web") : IAsyncDisposable
{
    private readonly StringBuilder _log = new();
    private Process? _app;

    public int Port { get; } = FreePort();
    public Process App => _app ?? throw new InvalidOperationException("The app was not started.");

    /// <summary>What the app wrote to stdout and stderr (warnings and above), for assertion messages.</summary>
    public string Log { get { lock (_log) return _log.ToString(); } }

    public HttpClient CreateClient() => new() { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(30) };

    public async Task StartAsync()
    {
        var root = PortalDatabase.RepoRoot();
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var psi = PortalAppLaunch.StartInfo(Path.Combine(root, $"src/{project}/bin/{configuration}/net10.0/{project}.dll"), root, Port,
            new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["ConnectionStrings__Portal"] = database.AppConnectionString,
                ["ConnectionStrings__PortalMigrations"] = database.OwnerConnectionString,
                ["Web__MigrateOnStartup"] = "false",
                ["Web__DataProtectionKeysPath"] = Path.Combine(dataDirectory, "keys"),
                ["Blobs__Root"] = Path.Combine(dataDirectory, "blobs"),
                ["Ingestion__Jobs__DispatchInterval"] = "00:00:01",
                ["Ingestion__Jobs__RetryBackoff"] = "00:00:01",
                ["Ingestion__Jobs__LeaseTimeout"] = "00:00:03",
                ["Jobs__InvisibilityTimeout"] = "00:00:10",
            }.Concat(settings ?? new Dictionary<string, string>()));
        _app = Process.Start(psi)!;
        _app.OutputDataReceived += (_, e) => Append(e.Data);
        _app.ErrorDataReceived += (_, e) => Append(e.Data);
        _app.BeginOutputReadLine();
        _app.BeginErrorReadLine();
        using var probe = CreateClient();
        var app = _app;
        await WaitUntilAsync(async () =>
        {
            if (app.HasExited) throw new InvalidOperationException($"The app exited with {app.ExitCode}:\n{Log}");
            try { return (await probe.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK; }
            catch (HttpRequestException) { return false; }
        }, TimeSpan.FromSeconds(40));
    }

    /// <summary>Registers a person with their own tenant and returns a bearer token.</summary>
    public async Task<string> RegisterAsync()
    {
        using var client = CreateClient();
        var email = $"process-{Guid.NewGuid():N}@example.test";
        (await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = "correct horse battery", tenantName = "Process" })).EnsureSuccessStatusCode();
        var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "correct horse battery" });
        login.EnsureSuccessStatusCode();
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    public async Task<HttpClient> SignedInClientAsync()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await RegisterAsync());
        return client;
    }

    /// <summary>SIGKILL for the app and everything it started: nothing gets to clean up.</summary>
    public async Task KillAsync()
    {
        App.Kill(entireProcessTree: true);
        await App.WaitForExitAsync();
    }

    /// <summary>SIGTERM to the app alone, as a container runtime or systemd stops it.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", App.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!;
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -TERM {App.Id} failed with {kill.ExitCode}.");
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not hold in time.");
            await Task.Delay(100);
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { HasExited: false }) await KillAsync();
        _app?.Dispose();
    }
}
