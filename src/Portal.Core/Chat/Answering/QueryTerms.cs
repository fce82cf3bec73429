using System.Text;
using Portal.Search.Analysis;

namespace Portal.Chat.Answering;

/// <summary>
/// The content terms of a question with weights: the search analyzer's terms minus function words.
/// A CJK character on its own says little, so unigrams weigh 0.3 and bigrams 1; Latin words weigh 1.
/// </summary>
internal static class QueryTerms
{
    private static readonly HashSet<string> Stop = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "by", "with", "from", "as", "is", "are", "was", "were",
        "be", "been", "do", "does", "did", "can", "could", "should", "would", "will", "shall", "may", "might", "must", "i", "you",
        "we", "they", "he", "she", "it", "its", "my", "our", "your", "their", "his", "her", "me", "us", "them", "this", "that",
        "these", "those", "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "there", "here", "about",
        "any", "some", "if", "then", "than", "so", "not", "no", "yes", "get", "gets", "got", "have", "has", "had", "tell",
        "please", "much", "many", "one", "also", "take", "takes", "taking", "need", "needs", "want", "know", "into", "out", "up", "down", "over", "under", "again", "more", "most", "very",
        "的", "了", "是", "在", "吗", "呢", "么", "什", "哪", "谁", "和", "与", "及", "或", "有", "为", "被", "把", "也", "都",
        "什么", "哪里", "哪个", "哪些", "多少", "怎么", "如何", "是否", "为什", "是什", "么是", "的是", "是哪", "哪一", "一个",
    };

    public static Dictionary<string, double> Weighted(string text)
    {
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var term in SearchAnalyzer.Analyze(text))
        {
            if (Stop.Contains(term)) continue;
            var weight = IsCjk(term) ? (term.EnumerateRunes().Count() == 1 ? 0.3 : 1.0) : term.Length == 1 ? 0 : 1.0;
            if (weight > 0) weights[term] = weight;
        }
        return weights;
    }

    /// <summary>
    /// Terms of a rewritten follow-up: those the person typed keep their weight, those the rewrite
    /// added from earlier turns weigh half, so the answer is about the new question in the old context.
    /// </summary>
    public static Dictionary<string, double> Focused(string searchQuery, string question)
    {
        var weights = Weighted(searchQuery);
        if (searchQuery == question) return weights;
        var typed = Of(question);
        foreach (var term in weights.Keys.ToList())
            if (!typed.Contains(term)) weights[term] /= 2;
        return weights;
    }

    /// <summary>Share of the query's term weight that <paramref name="terms"/> contains, in [0, 1].</summary>
    public static double Coverage(Dictionary<string, double> query, IReadOnlySet<string> terms)
    {
        double total = 0, covered = 0;
        foreach (var (term, weight) in query)
        {
            total += weight;
            if (terms.Contains(term)) covered += weight;
        }
        return total == 0 ? 0 : covered / total;
    }

    public static HashSet<string> Of(string text) => new(SearchAnalyzer.Analyze(text), StringComparer.Ordinal);

    private static bool IsCjk(string term) => term.EnumerateRunes().All(SearchAnalyzer.IsCjk);
}
