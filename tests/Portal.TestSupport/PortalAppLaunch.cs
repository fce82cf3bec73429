using System.Diagnostics;

namespace Portal.TestSupport;

/// <summary>
/// The built web app as a process of its own, the way the integration tests and the benchmarks start it (the
/// benchmarks link this file): <c>dotnet Portal.Web.dll --urls http://127.0.0.1:{port}</c>, rate limits out of the
/// way and warnings-only logging; the caller adds its database, data paths and settings, which win.
/// </summary>
public static class PortalAppLaunch
{
    public static ProcessStartInfo StartInfo(string dll, string workingDirectory, int port, IEnumerable<KeyValuePair<string, string>> settings)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add($"http://127.0.0.1:{port}");
        var env = psi.Environment;
        env["RateLimiting__PermitsPerMinutePerPrincipal"] = "1000000";
        env["RateLimiting__PermitsPerMinutePerIp"] = "1000000";
        env["RateLimiting__SignInPermitsPerMinutePerIp"] = "1000000";
        env["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings) env[key] = value;
        return psi;
    }

    /// <summary>Starts it and echoes its errors, and the output lines that report a failure, to this process's stderr.</summary>
    public static Process StartEchoingFailures(ProcessStartInfo info)
    {
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line && line.Contains("fail", StringComparison.OrdinalIgnoreCase)) Console.Error.WriteLine("app: " + line); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) Console.Error.WriteLine("app: " + line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
