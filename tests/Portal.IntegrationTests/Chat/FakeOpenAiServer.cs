using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portal.IntegrationTests.Chat;

/// <summary>
/// A real OpenAI-compatible peer on 127.0.0.1: <c>POST /v1/chat/completions</c> answers with the
/// configured deltas as SSE (or one JSON body when not streaming), after failing the first
/// <see cref="FailuresBeforeSuccess"/> requests with 503. It records what it was sent.
/// </summary>
internal sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    public ConcurrentQueue<(string? Authorization, JsonElement Body)> Requests { get; } = new();
    public int FailuresBeforeSuccess { get; set; }
    public string[] Deltas { get; set; } = ["Hello", " world [1]"];
    public string Rewrite { get; set; } = "rewritten query";
    public (int Prompt, int Completion)? Usage { get; set; } = (123, 7);
    public string BaseUrl { get; private set; } = "";

    /// <summary>Answer every request with this redirect (status, Location) instead.</summary>
    public (int Status, string Location)? Redirect { get; set; }

    /// <summary>The body of the failing answers: text a backend would leak if it were echoed.</summary>
    public string FailureBody { get; set; } = "";

    /// <summary>Close the connection after each answer, so the next call connects (and is checked) again.</summary>
    public bool CloseConnections { get; set; }

    /// <summary>Fail after the deltas with an error chunk, as a backend that dies mid-answer does.</summary>
    public bool FailAfterDeltas { get; set; }

    private FakeOpenAiServer(WebApplication app) => _app = app;

    public static async Task<FakeOpenAiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeOpenAiServer(app);
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = address + "/v1";
        return server;
    }

    private async Task HandleAsync(HttpContext http)
    {
        var body = (await JsonDocument.ParseAsync(http.Request.Body)).RootElement.Clone();
        Requests.Enqueue((http.Request.Headers.Authorization.ToString(), body));
        if (CloseConnections) http.Response.Headers.Connection = "close";
        if (Redirect is { } redirect)
        {
            http.Response.StatusCode = redirect.Status;
            http.Response.Headers.Location = redirect.Location;
            return;
        }
        if (Requests.Count <= FailuresBeforeSuccess)
        {
            http.Response.StatusCode = 503;
            await http.Response.WriteAsync(FailureBody);
            return;
        }
        object? usage = Usage is { } u ? new { prompt_tokens = u.Prompt, completion_tokens = u.Completion, total_tokens = u.Prompt + u.Completion } : null;
        if (!body.GetProperty("stream").GetBoolean())
        {
            await http.Response.WriteAsJsonAsync(new { choices = new[] { new { index = 0, message = new { role = "assistant", content = Rewrite } } }, usage });
            return;
        }
        http.Response.ContentType = "text/event-stream";
        foreach (var delta in Deltas)
        {
            await http.Response.WriteAsync($"data: {JsonSerializer.Serialize(new { choices = new[] { new { index = 0, delta = new { content = delta } } } })}\n\n");
            await http.Response.Body.FlushAsync();
        }
        if (FailAfterDeltas)
        {
            await http.Response.WriteAsync("data: {\"error\": {\"message\": \"model crashed\"}}\n\n");
            return;
        }
        if (usage is not null) await http.Response.WriteAsync($"data: {JsonSerializer.Serialize(new { choices = Array.Empty<object>(), usage })}\n\n");
        await http.Response.WriteAsync("data: [DONE]\n\n");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
