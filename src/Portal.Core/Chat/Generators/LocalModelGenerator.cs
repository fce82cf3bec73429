namespace Portal.Chat.Generators;

/// <summary>
/// Placeholder for the local model engine (<c>kind: "local"</c>). The engine has not landed yet, so
/// this slot answers every request with a clear "not installed" problem instead of an answer.
/// When it lands, this class is replaced by one that streams from the in-process engine.
/// </summary>
internal sealed class LocalModelGenerator : IAnswerGenerator
{
    public string Kind => GeneratorKinds.Local;

    public IAsyncEnumerable<GenerationEvent> GenerateAsync(GenerationRequest request, CancellationToken ct) =>
        throw NotInstalled();

    public static PortalException NotInstalled() => new("local-engine-not-installed",
        "The local model engine is not installed on this node. Choose the extractive or an OpenAI-compatible generator.", 501);
}
