using System.Text.RegularExpressions;
using Portal.Chat.Answering;

namespace Portal.Chat.Generators;

/// <summary>
/// How a language model's free text becomes a <see cref="GenerationCompleted"/>, the same for every model-backed
/// generator: the [n] markers that name a source given to the model are its citations; an empty answer or the
/// tenant's "I don't know" message is unknown; confidence is how much of the question the cited chunks cover.
/// </summary>
internal static partial class GeneratedAnswer
{
    /// <param name="sourcesShown">How many of the request's sources the prompt carried (1..n may be cited).</param>
    public static GenerationCompleted Complete(GenerationRequest request, string answer, int sourcesShown, int promptTokens, int completionTokens,
        string? generator = null)
    {
        var cited = Citations().Matches(answer).Select(m => int.TryParse(m.Groups[1].Value, out var n) ? n : 0)
            .Where(n => n >= 1 && n <= sourcesShown).Distinct().ToList();
        var unknown = answer.Length == 0 || answer.Contains(request.Settings.IdkMessage, StringComparison.OrdinalIgnoreCase);
        // Generated text has no verbatim guarantee, so confidence is how much of the question the cited chunks cover.
        var confidence = unknown || cited.Count == 0 ? 0
            : QueryTerms.Coverage(QueryTerms.Weighted(request.SearchQuery),
                QueryTerms.Of(string.Join("\n", cited.Select(n => request.Sources[n - 1].Text))));
        return new GenerationCompleted(answer.Length == 0 ? request.Settings.IdkMessage : answer, cited, confidence, unknown,
            promptTokens, completionTokens) { Generator = generator };
    }

    [GeneratedRegex(@"\[(\d{1,3})\]")]
    private static partial Regex Citations();
}
