using System.Runtime.CompilerServices;
using Portal.Chat.Answering;

namespace Portal.Chat.Generators;

/// <summary>
/// The default generator: <see cref="ExtractiveAnswerer"/>'s verbatim sentences, each followed by
/// " [n]" where n is the chunk's retrieval rank, the same numbering an LLM's prompt uses.
/// Below the confidence threshold it answers with the tenant's "I don't know" message instead.
/// </summary>
internal sealed class ExtractiveGenerator : IAnswerGenerator
{
    public string Kind => GeneratorKinds.Extractive;

    public async IAsyncEnumerable<GenerationEvent> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.CompletedTask;
        var result = ExtractiveAnswerer.Answer(QueryTerms.Focused(request.SearchQuery, request.Question), request.Sources.Select(s => s.Text).ToList());
        if (result.Picks.Count == 0 || result.Confidence < request.Settings.ConfidenceThreshold)
        {
            yield return new GenerationDelta(request.Settings.IdkMessage);
            yield return new GenerationCompleted(request.Settings.IdkMessage, [], result.Confidence, Unknown: true, 0, 0);
            yield break;
        }
        var cited = new List<int>();
        var text = new System.Text.StringBuilder();
        foreach (var pick in result.Picks)
        {
            ct.ThrowIfCancellationRequested();
            var source = pick.Source + 1;
            if (!cited.Contains(source)) cited.Add(source);
            var piece = (text.Length == 0 ? "" : " ") + pick.Text + " [" + source + "]";
            text.Append(piece);
            yield return new GenerationDelta(piece);
        }
        yield return new GenerationCompleted(text.ToString(), cited, result.Confidence, Unknown: false, 0, 0);
    }
}
