using System.Text;

namespace Portal.Search.Analysis;

/// <summary>
/// Turns text into keyword terms, the same way for indexing and for queries. Latin words (letters
/// and digits) are lower-cased whole; CJK text has no spaces between words, so each run of CJK
/// characters yields its characters (unigrams) and every adjacent pair (bigrams). Punctuation and
/// spaces only separate. Full-width forms are folded to their ASCII twins first (NFKC).
/// </summary>
public static class SearchAnalyzer
{
    /// <summary>Words longer than this are cut: no real term is that long and it bounds index keys.</summary>
    public const int MaxTermLength = 64;

    public static List<string> Analyze(string? text)
    {
        var terms = new List<string>();
        if (string.IsNullOrEmpty(text)) return terms;
        var normalized = text.IsNormalized(NormalizationForm.FormKC) ? text : text.Normalize(NormalizationForm.FormKC);
        var word = new StringBuilder();
        Span<char> utf16 = stackalloc char[2];
        Rune? previousCjk = null;
        foreach (var rune in normalized.EnumerateRunes())
        {
            if (IsCjk(rune))
            {
                Flush(word, terms);
                terms.Add(rune.ToString());
                if (previousCjk is { } p) terms.Add(p.ToString() + rune.ToString());
                previousCjk = rune;
            }
            else if (Rune.IsLetterOrDigit(rune))
            {
                previousCjk = null;
                if (word.Length < MaxTermLength) word.Append(utf16[..Rune.ToLowerInvariant(rune).EncodeToUtf16(utf16)]);
            }
            else
            {
                previousCjk = null;
                Flush(word, terms);
            }
        }
        Flush(word, terms);
        return terms;
    }

    /// <summary>Distinct terms with their counts, in first-seen order.</summary>
    public static Dictionary<string, int> TermFrequencies(string? text)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var term in Analyze(text))
            counts[term] = counts.GetValueOrDefault(term) + 1;
        return counts;
    }

    public static bool IsCjk(Rune rune) => rune.Value switch
    {
        >= 0x4E00 and <= 0x9FFF => true,   // CJK unified ideographs
        >= 0x3400 and <= 0x4DBF => true,   // extension A
        >= 0x20000 and <= 0x2FA1F => true, // extensions B–F and compatibility supplement
        >= 0xF900 and <= 0xFAFF => true,   // compatibility ideographs
        >= 0x3040 and <= 0x30FF => true,   // hiragana, katakana
        >= 0xAC00 and <= 0xD7AF => true,   // hangul syllables
        _ => false,
    };

    private static void Flush(StringBuilder word, List<string> terms)
    {
        if (word.Length == 0) return;
        terms.Add(word.ToString());
        word.Clear();
    }
}
