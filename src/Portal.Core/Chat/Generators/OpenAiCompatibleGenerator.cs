using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Portal.Outbound;

namespace Portal.Chat.Generators;

/// <summary>
/// Answers through any OpenAI-compatible chat-completions server (vLLM, Ollama, llama.cpp server, a
/// hosted API): <c>POST {baseUrl}/chat/completions</c> with <c>stream: true</c>, passing its SSE
/// <c>data:</c> deltas through as they arrive. Connecting is retried (5xx, 429, network errors,
/// per-attempt timeout) only until the response starts: once a token has been passed on, a retry
/// would repeat text the client already has. Token usage comes from the backend's <c>usage</c>
/// (requested with <c>stream_options.include_usage</c>), else from an estimate.
/// The base URL is the tenant's, so the call goes through the guarded outbound client, and every failure answers the
/// same "could not be used" with a reference: never the backend's text, nor whether a port was open or closed.
/// </summary>
internal sealed partial class OpenAiCompatibleGenerator(IHttpClientFactory httpFactory, IOptions<ChatOptions> options,
    ILogger<OpenAiCompatibleGenerator> logger) : IAnswerGenerator
{
    public string Kind => GeneratorKinds.OpenAi;

    public async IAsyncEnumerable<GenerationEvent> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        if (request.Sources.Count == 0)
        {
            // Nothing retrieved: the model could only guess, so it is not asked.
            yield return new GenerationDelta(request.Settings.IdkMessage);
            yield return new GenerationCompleted(request.Settings.IdkMessage, [], 0, true, 0, 0);
            yield break;
        }
        using var total = CancellationTokenSource.CreateLinkedTokenSource(ct);
        total.CancelAfter(TimeSpan.FromSeconds(options.Value.GeneratorTotalTimeoutSeconds));
        var messages = OpenAiPrompt.Messages(request);
        var body = Body(request.Generator, messages, stream: true);
        using var response = await SendAsync(request.Generator, body, total.Token);
        await using var stream = await response.Content.ReadAsStreamAsync(total.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = new StringBuilder();
        int? promptTokens = null, completionTokens = null;
        while (await ReadLineAsync(reader, total.Token, ct) is { } line)
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal)) continue;
            var data = line[5..].Trim();
            if (data == "[DONE]") break;
            var (delta, usage) = ParseChunk(data);
            if (usage is { } u) (promptTokens, completionTokens) = u;
            if (string.IsNullOrEmpty(delta)) continue;
            text.Append(delta);
            yield return new GenerationDelta(delta);
        }
        var answer = text.ToString();
        if (answer.Length == 0) yield return new GenerationDelta(request.Settings.IdkMessage);
        yield return GeneratedAnswer.Complete(request, answer, request.Sources.Count,
            promptTokens ?? OpenAiPrompt.EstimateTokens(messages.ToJsonString()),
            completionTokens ?? OpenAiPrompt.EstimateTokens(answer));
    }

    /// <summary>Asks the backend (not streamed) to turn a follow-up into a stand-alone query.</summary>
    public async Task<(string Query, int PromptTokens, int CompletionTokens)> RewriteAsync(ResolvedGenerator generator,
        IReadOnlyList<ChatTurn> history, string question, CancellationToken ct)
    {
        var messages = new JsonArray { new JsonObject { ["role"] = "system", ["content"] = OpenAiPrompt.RewriteSystem } };
        foreach (var turn in history)
            messages.Add(new JsonObject { ["role"] = turn.Role == MessageRole.User ? "user" : "assistant", ["content"] = turn.Content });
        messages.Add(new JsonObject { ["role"] = "user", ["content"] = question });
        using var response = await SendAsync(generator, Body(generator, messages, stream: false), ct);
        string? content;
        (int Prompt, int Completion)? usage;
        try
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            content = json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()?.Trim();
            usage = Usage(json.RootElement);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException
                                      or IOException or HttpRequestException or FormatException)
        {
            throw Unusable("generator-unavailable", e.GetType().Name + ": " + e.Message);
        }
        var query = string.IsNullOrWhiteSpace(content) ? question : content;
        return (query, usage?.Prompt ?? OpenAiPrompt.EstimateTokens(messages.ToJsonString()), usage?.Completion ?? OpenAiPrompt.EstimateTokens(query));
    }

    private static string Body(ResolvedGenerator generator, JsonArray messages, bool stream)
    {
        var body = new JsonObject { ["model"] = generator.Model, ["messages"] = messages, ["stream"] = stream, ["temperature"] = 0.1 };
        if (stream) body["stream_options"] = new JsonObject { ["include_usage"] = true };
        if (generator.Settings.ValueKind == JsonValueKind.Object)
            foreach (var name in new[] { "temperature", "max_tokens", "top_p" })
                if (generator.Settings.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number)
                    body[name] = JsonNode.Parse(v.GetRawText());
        return body.ToJsonString();
    }

    private async Task<HttpResponseMessage> SendAsync(ResolvedGenerator generator, string body, CancellationToken ct)
    {
        var http = httpFactory.CreateClient(OutboundRegistration.ClientName);
        var url = generator.BaseUrl!.TrimEnd('/') + "/chat/completions";
        var o = options.Value;
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                // A refused destination stays refused: it is not retried.
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>().Handle<HttpRequestException>(e => !IsRefused(e)).Handle<TimeoutRejectedException>()
                    .HandleResult(r => (int)r.StatusCode >= 500 || r.StatusCode == HttpStatusCode.TooManyRequests),
                MaxRetryAttempts = Math.Max(o.GeneratorRetries, 1),
                Delay = TimeSpan.FromMilliseconds(o.GeneratorRetryDelayMs),
                BackoffType = DelayBackoffType.Exponential,
                OnRetry = args =>
                {
                    LogRetry(args.AttemptNumber + 1, (int?)args.Outcome.Result?.StatusCode, args.Outcome.Exception?.GetType().Name);
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .AddTimeout(TimeSpan.FromSeconds(o.GeneratorConnectTimeoutSeconds))
            .Build();
        HttpResponseMessage response;
        try
        {
            response = o.GeneratorRetries == 0
                ? await http.SendAsync(Request(url, body, generator.ApiKey), HttpCompletionOption.ResponseHeadersRead, ct)
                : await pipeline.ExecuteAsync(async token =>
                    await http.SendAsync(Request(url, body, generator.ApiKey), HttpCompletionOption.ResponseHeadersRead, token), ct);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or OutboundRefusedException)
        {
            throw Unusable("generator-unavailable", Describe(e));
        }
        if (response.IsSuccessStatusCode) return response;
        var status = (int)response.StatusCode;
        response.Dispose();
        throw Unusable("generator-unavailable", $"HTTP {status}");
    }

    private async Task<string?> ReadLineAsync(StreamReader reader, CancellationToken total, CancellationToken caller)
    {
        try
        {
            return await reader.ReadLineAsync(total);
        }
        catch (Exception e) when (e is IOException or HttpRequestException
                                      || e is OperationCanceledException && !caller.IsCancellationRequested)
        {
            throw Unusable("generator-failed", Describe(e));
        }
    }

    /// <summary>The one answer a caller gets; the reason goes to the log under the same reference.</summary>
    private PortalException Unusable(string code, string reason)
    {
        var reference = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? Guid.NewGuid().ToString("N");
        LogUnusable(reference, reason);
        return new PortalException(code, $"The generator could not be used (reference {reference}).", 502);
    }

    private static bool IsRefused(Exception e) => e is OutboundRefusedException || e.InnerException is OutboundRefusedException;

    private static string Describe(Exception e) =>
        e.InnerException is { } inner ? $"{e.GetType().Name}: {e.Message} ({inner.GetType().Name}: {inner.Message})" : $"{e.GetType().Name}: {e.Message}";

    private static HttpRequestMessage Request(string url, string body, string? apiKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (!string.IsNullOrEmpty(apiKey)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return request;
    }

    private (string? Delta, (int, int)? Usage) ParseChunk(string data)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(data);
        }
        catch (JsonException e)
        {
            throw Unusable("generator-failed", "Unreadable chunk: " + e.Message);
        }
        using var _ = json;
        var root = json.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw Unusable("generator-failed", "A chunk that is not a JSON object");
        if (root.TryGetProperty("error", out var error))
            throw Unusable("generator-failed", "The backend reported an error: " + Truncate(error.ToString()));
        string? delta = null;
        if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0
            && choices[0].ValueKind == JsonValueKind.Object && choices[0].TryGetProperty("delta", out var d)
            && d.ValueKind == JsonValueKind.Object && d.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
            delta = content.GetString();
        return (delta, Usage(root) is { } u ? (u.Prompt, u.Completion) : null);
    }

    private static (int Prompt, int Completion)? Usage(JsonElement root) =>
        root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object
        && usage.TryGetProperty("prompt_tokens", out var p) && usage.TryGetProperty("completion_tokens", out var c)
        && p.ValueKind == JsonValueKind.Number && c.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var pi) && c.TryGetInt32(out var ci)
            ? (pi, ci) : null;

    private static string Truncate(string s) => s.Length <= 300 ? s : s[..300] + "…";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Generator attempt {Attempt} failed (HTTP {Status}, {Error}); retrying before the first token")]
    private partial void LogRetry(int attempt, int? status, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Generator could not be used (reference {Reference}): {Reason}")]
    private partial void LogUnusable(string reference, string reason);
}
