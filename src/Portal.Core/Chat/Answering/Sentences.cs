namespace Portal.Chat.Answering;

/// <summary>
/// Splits text into sentences as (start, length) ranges of the original string, so every sentence
/// is an exact substring of its chunk. Latin sentences end at . ! ? followed by a space; CJK ones
/// at 。！？； which need no space; a line break always ends one. Leading and trailing spaces are
/// trimmed from each range.
/// </summary>
internal static class Sentences
{
    public static List<Range> Split(string text)
    {
        var ranges = new List<Range>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var ends = c is '\n' or '。' or '！' or '？' or '；'
                || (c is '.' or '!' or '?' && (i + 1 == text.Length || char.IsWhiteSpace(text[i + 1])));
            if (!ends) continue;
            Add(text, start, i + 1, ranges);
            start = i + 1;
        }
        Add(text, start, text.Length, ranges);
        return ranges;
    }

    /// <summary>Clauses of a long sentence (split after ，,;：:), as ranges of the original text.</summary>
    public static List<Range> Clauses(string text, Range sentence)
    {
        var (offset, length) = sentence.GetOffsetAndLength(text.Length);
        var ranges = new List<Range>();
        var start = offset;
        for (var i = offset; i < offset + length; i++)
        {
            if (text[i] is not ('，' or ',' or ';' or '：' or ':' or '、')) continue;
            Add(text, start, i + 1, ranges);
            start = i + 1;
        }
        Add(text, start, offset + length, ranges);
        return ranges;
    }

    private static void Add(string text, int start, int end, List<Range> ranges)
    {
        while (start < end && char.IsWhiteSpace(text[start])) start++;
        while (end > start && char.IsWhiteSpace(text[end - 1])) end--;
        if (end > start) ranges.Add(start..end);
    }
}
