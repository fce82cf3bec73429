using System.Text;

namespace Portal.Documents.Parsing;

internal static class TextNormalizer
{
    public static string NormalizeNewlines(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n');

    public static string CollapseWhitespace(string text)
    {
        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || c == '\u00A0')
            {
                pendingSpace = builder.Length > 0;
                continue;
            }
            if (pendingSpace)
                builder.Append(' ');
            pendingSpace = false;
            builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary>Splits text into paragraphs at blank lines; lines inside a paragraph are kept.</summary>
    public static IEnumerable<string> Paragraphs(string text)
    {
        var current = new StringBuilder();
        foreach (var line in NormalizeNewlines(text).Split('\n'))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                if (current.Length > 0)
                    yield return current.ToString();
                current.Clear();
                continue;
            }
            if (current.Length > 0)
                current.Append('\n');
            current.Append(line.TrimEnd());
        }
        if (current.Length > 0)
            yield return current.ToString();
    }

    public static bool IsCjk(char c) =>
        c is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF' or >= '\uF900' and <= '\uFAFF'
            or >= '\u3040' and <= '\u30FF' or >= '\uAC00' and <= '\uD7AF';

    /// <summary>Joins lines the way a reader would: a space between Latin words, nothing between CJK characters.</summary>
    public static string JoinLines(string paragraph)
    {
        var lines = paragraph.Split('\n');
        var builder = new StringBuilder(paragraph.Length);
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0)
                continue;
            if (builder.Length > 0)
            {
                var last = builder[^1];
                if (last == '-' && builder.Length > 1 && char.IsLetter(builder[^2]) && char.IsLower(line[0]))
                    builder.Length--; // a word hyphenated across lines
                else if (!(IsCjk(last) && IsCjk(line[0])))
                    builder.Append(' ');
            }
            builder.Append(line);
        }
        return builder.ToString();
    }
}
