using System.Text.RegularExpressions;
using Portal.Chat.Answering;
using Portal.Search.Analysis;

namespace Portal.Chat;

/// <summary>
/// Turns a follow-up into a stand-alone search query without a model (the extractive path's rewrite):
/// a question counts as a follow-up when it has a pronoun or demonstrative ("it", "they", "this",
/// "它", "这", …), or at most <see cref="ShortQuestionTerms"/> content terms. A follow-up gets the
/// previous stand-alone query prepended; when that query itself has fewer than two content terms,
/// up to <see cref="AnswerTerms"/> content words of the previous answer are added too (more would
/// pull retrieval back to the chunk already cited). Anything else is used as asked. The extractive
/// answerer then weighs the added terms half (<see cref="QueryTerms.Focused"/>).
/// With an OpenAI-compatible generator, the model rewrites instead (see <see cref="Generators.OpenAiCompatibleGenerator.RewriteAsync"/>).
/// </summary>
internal static partial class QueryRewriter
{
    public const int ShortQuestionTerms = 2;
    public const int AnswerTerms = 3;

    private static readonly HashSet<string> Pronouns = new(StringComparer.Ordinal)
    {
        // Possessives and "that"/"there" are left out: they are as common in stand-alone questions.
        "it", "its", "they", "them", "this", "these", "those", "he", "him", "she", "same", "such", "former", "latter",
        "它", "它们", "他", "他们", "她", "她们", "这", "这个", "这些", "那", "那个", "那些", "其", "该", "此",
    };

    public static bool IsFollowUp(string question)
    {
        var words = SearchAnalyzer.Analyze(question);
        return words.Any(Pronouns.Contains) || QueryTerms.Weighted(question).Count(t => t.Value >= 1) <= ShortQuestionTerms;
    }

    public static string Rewrite(string question, string? previousQuery, string? previousAnswer)
    {
        if (string.IsNullOrWhiteSpace(previousQuery) || !IsFollowUp(question)) return question;
        var present = QueryTerms.Of(question);
        present.UnionWith(QueryTerms.Of(previousQuery));
        var answerWords = previousAnswer is null || QueryTerms.Weighted(previousQuery).Count(t => t.Value >= 1) >= 2 ? [] : QueryTerms.Weighted(Markers().Replace(previousAnswer, " "))
            .Where(t => t.Value >= 1 && !present.Contains(t.Key))
            .Select(t => t.Key)
            .GroupBy(t => t).Select(g => g.Key).Take(AnswerTerms).ToList();
        return string.Join(' ', new[] { previousQuery.Trim(), string.Join(' ', answerWords), question.Trim() }.Where(s => s.Length > 0));
    }

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex Markers();
}
