using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Portal.Chat.Generators;

/// <summary>
/// <c>kind: "local"</c>: answers with the chat model in this process (<see cref="ILocalChatModel"/>, configured by
/// <c>Ml:ChatModel:BaseModel</c>), from the same numbered, fenced sources and rules an OpenAI-compatible backend
/// gets, with the tenant's active adapter version. A node without a local model answers 501
/// <c>local-engine-not-installed</c>. Sampling comes from the generator's settings: <c>temperature</c> (default 0,
/// greedy), <c>top_p</c>, <c>top_k</c>, <c>seed</c>, <c>max_tokens</c> (default 256) and <c>stop</c>.
/// </summary>
internal sealed class LocalModelGenerator(IEnumerable<ILocalChatModel> models) : IAnswerGenerator
{
    private readonly ILocalChatModel? _model = models.LastOrDefault(m => m.IsInstalled);

    public string Kind => GeneratorKinds.Local;

    public async IAsyncEnumerable<GenerationEvent> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var model = _model ?? throw NotInstalled();
        if (request.Sources.Count == 0)
        {
            // Nothing retrieved: the model could only guess, so it is not asked.
            yield return new GenerationDelta(request.Settings.IdkMessage);
            yield return new GenerationCompleted(request.Settings.IdkMessage, [], 0, true, 0, 0);
            yield break;
        }
        var sampling = Sampling(request.Generator.Settings);
        var (messages, shown) = Fit(model, request, sampling.MaxTokens);
        var version = request.Settings.AdapterVersion;
        var usage = new LocalChatUsage();
        var text = new StringBuilder();
        await foreach (var delta in model.StreamAsync(new LocalChatRequest(request.TenantId, version, messages, sampling), usage, ct))
        {
            text.Append(delta);
            yield return new GenerationDelta(delta);
        }
        var answer = text.ToString();
        if (answer.Length == 0) yield return new GenerationDelta(request.Settings.IdkMessage);
        yield return GeneratedAnswer.Complete(request, answer, shown, usage.PromptTokens, usage.CompletionTokens,
            version is null ? GeneratorKinds.Local : $"{GeneratorKinds.Local}:{version}");
    }

    /// <summary>
    /// The OpenAI-compatible generator's prompt, shortened until it leaves room for the answer: older turns go first,
    /// then the lowest-ranked sources (the rest keep their numbers). Returns the messages and how many sources they carry.
    /// </summary>
    internal static (IReadOnlyList<LocalChatMessage> Messages, int SourcesShown) Fit(ILocalChatModel model, GenerationRequest request, int answerTokens)
    {
        var budget = model.ContextLength - answerTokens;
        var history = request.History.ToList();
        var shown = request.Sources.Count;
        while (true)
        {
            var messages = new List<LocalChatMessage> { new("system", OpenAiPrompt.System.Replace("{idk}", request.Settings.IdkMessage)) };
            messages.AddRange(history.Select(t => new LocalChatMessage(t.Role == MessageRole.User ? "user" : "assistant", t.Content)));
            messages.Add(new("user", OpenAiPrompt.UserContent(request.Question, request.Sources.Take(shown).ToList())));
            if (model.CountPromptTokens(messages) <= budget) return (messages, shown);
            if (history.Count > 0) history.RemoveAt(0);
            else if (shown > 1) shown--;
            else throw new PortalException("prompt-too-long",
                $"The question and its best source do not fit the local model's context of {model.ContextLength} tokens with {answerTokens} left for the answer.", 422);
        }
    }

    internal static LocalSampling Sampling(JsonElement settings)
    {
        double? Number(string name) => settings.ValueKind == JsonValueKind.Object && settings.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
            ? v.GetDouble() : null;
        var stop = settings.ValueKind == JsonValueKind.Object && settings.TryGetProperty("stop", out var s)
            ? s.ValueKind switch
            {
                JsonValueKind.String => [s.GetString()!],
                JsonValueKind.Array => s.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).Where(t => t.Length > 0).ToList(),
                _ => [],
            }
            : new List<string>();
        return new LocalSampling(
            MaxTokens: (int)Math.Clamp(Number("max_tokens") ?? 256, 1, 4096),
            Temperature: Math.Clamp(Number("temperature") ?? 0, 0, 5),
            TopP: Math.Clamp(Number("top_p") ?? 1, 0.01, 1),
            TopK: (int)Math.Clamp(Number("top_k") ?? 0, 0, 100_000),
            Seed: Number("seed") is { } seed ? (int)seed : null) { StopSequences = stop };
    }

    public static PortalException NotInstalled() => new("local-engine-not-installed",
        "The local model engine is not installed on this node. Set Ml:ChatModel:BaseModel, or choose the extractive or an OpenAI-compatible generator.", 501);
}
