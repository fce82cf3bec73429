using Portal.Search;

namespace Portal.Chat.Generators;

/// <summary>What a generator gets: the question, the stand-alone query, numbered sources (1-based in order) and the recent turns.</summary>
internal sealed record GenerationRequest(
    string Question,
    string SearchQuery,
    IReadOnlyList<SearchHit> Sources,
    IReadOnlyList<ChatTurn> History,
    ResolvedGenerator Generator,
    ChatSettings Settings)
{
    /// <summary>Whose question it is: the local model serves this tenant's adapter.</summary>
    public Guid TenantId { get; init; }
}

internal sealed record ChatTurn(MessageRole Role, string Content);

/// <summary>
/// What a generator emits: text deltas, then exactly one <see cref="GenerationCompleted"/>.
/// <see cref="GenerationCompleted.CitedSources"/> are the 1-based source numbers the text cites, and the
/// [n] markers in the text use those same numbers.
/// </summary>
internal abstract record GenerationEvent;
internal sealed record GenerationDelta(string Text) : GenerationEvent;
internal sealed record GenerationCompleted(string Text, IReadOnlyList<int> CitedSources, double Confidence, bool Unknown,
    int PromptTokens, int CompletionTokens) : GenerationEvent
{
    /// <summary>The name recorded with the answer when it says more than the config's (<c>local:{adapter version}</c>).</summary>
    public string? Generator { get; init; }
}

/// <summary>A way to answer from retrieved sources; one per <c>generator_configs.kind</c>.</summary>
internal interface IAnswerGenerator
{
    string Kind { get; }

    IAsyncEnumerable<GenerationEvent> GenerateAsync(GenerationRequest request, CancellationToken ct);
}

/// <summary>The generator that answers a request: its kind, endpoint and decrypted key (kept in memory only).</summary>
internal sealed record ResolvedGenerator(string Kind, string? BaseUrl, string? Model, string? ApiKey, System.Text.Json.JsonElement Settings)
{
    public static ResolvedGenerator Extractive { get; } = new(GeneratorKinds.Extractive, null, null, null, default);

    /// <summary>The name reported in answers: <c>extractive</c>, <c>openai:{model}</c>, <c>local</c> (<c>local:{version}</c> with a tenant adapter).</summary>
    public string Name => Kind == GeneratorKinds.OpenAi ? $"openai:{Model}" : Kind;
}

public static class GeneratorKinds
{
    public const string Extractive = "extractive";
    public const string OpenAi = "openai";
    public const string Local = "local";
    public static readonly string[] All = [Extractive, OpenAi, Local];
}
