using System.Globalization;
using System.Text;
using Portal.Search.Analysis;

namespace Portal.Search.Keyword;

/// <summary>
/// A chunk as the keyword index stores it: its length in terms, and its distinct terms with their
/// counts written as a tsvector literal whose positions are occurrence numbers (so the number of
/// positions is tf). Built from <see cref="SearchAnalyzer"/>, never from <c>to_tsvector</c>: index
/// and query must split text the same way.
/// </summary>
internal sealed record KeywordTerms(int Length, IReadOnlyDictionary<string, int> Frequencies)
{
    /// <summary>tsvector keeps at most 256 positions per lexeme; BM25's tf saturation makes the cap harmless.</summary>
    public const int MaxTermFrequency = 256;

    public static KeywordTerms Of(string? text)
    {
        var analyzed = SearchAnalyzer.Analyze(text);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var term in analyzed) counts[term] = counts.GetValueOrDefault(term) + 1;
        return new KeywordTerms(analyzed.Count, counts);
    }

    /// <summary><c>'term':1,2,3 'other':1</c>. Terms are letters and digits, but quotes and backslashes are escaped all the same.</summary>
    public string ToTsVector()
    {
        var sb = new StringBuilder(Frequencies.Count * 12);
        foreach (var (term, tf) in Frequencies)
        {
            if (sb.Length > 0) sb.Append(' ');
            sb.Append('\'');
            if (term.AsSpan().IndexOfAny('\\', '\'') < 0) sb.Append(term);
            else sb.Append(term.Replace("\\", "\\\\").Replace("'", "''"));
            sb.Append("':");
            for (var i = 1; i <= Math.Min(tf, MaxTermFrequency); i++)
            {
                if (i > 1) sb.Append(',');
                sb.Append(CultureInfo.InvariantCulture, $"{i}");
            }
        }
        return sb.ToString();
    }
}
