namespace Portal.Documents.Chunking;

/// <summary>
/// Finds sentence ends in Chinese and English text. A terminator (。！？；.!?;) ends a sentence together with
/// any closing quotes or brackets after it. An ASCII terminator must be followed by a space, a line end or a
/// CJK character, so "3.14" and "example.com" stay whole; a period after a known abbreviation, a single
/// capital letter or before a lowercase word does not end a sentence.
/// </summary>
internal static class SentenceSplitter
{
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "eg", "ie", "inc", "ltd", "co", "corp",
        "no", "fig", "figs", "vol", "pp", "p", "ca", "approx", "dept", "est", "jan", "feb", "mar", "apr", "jun", "jul",
        "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "a.m", "p.m", "al", "cf", "ed", "eds", "gen", "gov", "sec",
    };

    private const string CjkTerminators = "。！？；…";
    private const string AsciiTerminators = ".!?;";
    private const string Closers = "\"'”’」』）)]】》〉";

    /// <summary>Returns the end offsets (exclusive, after trailing whitespace) of each sentence in [start, end).</summary>
    public static List<int> SentenceEnds(string text, int start, int end)
    {
        var ends = new List<int>();
        var i = start;
        while (i < end)
        {
            var c = text[i];
            var isCjk = CjkTerminators.Contains(c);
            if (!isCjk && !AsciiTerminators.Contains(c))
            {
                i++;
                continue;
            }
            var j = i + 1;
            while (j < end && (CjkTerminators.Contains(text[j]) || AsciiTerminators.Contains(text[j])))
                j++;
            var afterTerminators = j;
            while (j < end && Closers.Contains(text[j]))
                j++;

            if (!isCjk)
            {
                if (!EndsSentenceAt(text, j, end))
                    j = EndsSentenceAt(text, afterTerminators, end) ? afterTerminators : -1;
                if (j < 0 || ContinuesAfter(text, j, end) || (c == '.' && afterTerminators == i + 1 && IsAbbreviation(text, start, i)))
                {
                    i = afterTerminators;
                    continue;
                }
            }
            while (j < end && char.IsWhiteSpace(text[j]))
                j++;
            ends.Add(j);
            i = j;
        }
        if (ends.Count == 0 || ends[^1] < end)
            ends.Add(end);
        return ends;
    }

    private static bool EndsSentenceAt(string text, int position, int end) =>
        position >= end || char.IsWhiteSpace(text[position]) || Parsing.TextNormalizer.IsCjk(text[position]);

    // "…?" she asked: a lowercase word on the same line continues the sentence.
    private static bool ContinuesAfter(string text, int position, int end)
    {
        while (position < end && char.IsWhiteSpace(text[position]) && text[position] != '\n')
            position++;
        return position < end && char.IsLower(text[position]);
    }

    private static bool IsAbbreviation(string text, int start, int period)
    {
        var wordStart = period;
        while (wordStart > start && (char.IsLetter(text[wordStart - 1]) || text[wordStart - 1] == '.'))
            wordStart--;
        var word = text.AsSpan(wordStart, period - wordStart);
        if (word.Length == 1 && char.IsUpper(word[0]))
            return true; // an initial, as in "J. Smith"
        return word.Length > 0 && Abbreviations.GetAlternateLookup<ReadOnlySpan<char>>().Contains(word);
    }
}
