namespace Portal.Documents.Chunking;

/// <summary>
/// A deterministic stand-in for a BPE tokenizer, used only to budget chunk sizes:
/// each CJK character or CJK punctuation mark is 1 token; a run of letters is ceil(length / 6) tokens;
/// a run of digits is ceil(length / 3); every other symbol is 1 token; whitespace is free.
/// See docs/ingestion-tokens.md for why this tracks cl100k/o200k-style tokenizers closely enough.
/// </summary>
public static class TokenCounter
{
    private const int LettersPerToken = 6;
    private const int DigitsPerToken = 3;

    public static int Count(ReadOnlySpan<char> text)
    {
        var tokens = 0;
        var i = 0;
        while (i < text.Length)
        {
            var kind = Classify(text[i]);
            if (kind == CharKind.Space) { i++; continue; }
            if (kind is CharKind.Cjk or CharKind.Symbol) { tokens++; i++; continue; }
            var run = RunLength(text, i, kind);
            tokens += (run + PerToken(kind) - 1) / PerToken(kind);
            i += run;
        }
        return tokens;
    }

    public static int Count(string text) => Count(text.AsSpan());

    /// <summary>The [start, end) spans of each token in <paramref name="text"/> between the given offsets.</summary>
    internal static List<(int Start, int End)> Tokenize(string text, int start, int end)
    {
        var tokens = new List<(int, int)>();
        var i = start;
        while (i < end)
        {
            var kind = Classify(text[i]);
            if (kind == CharKind.Space) { i++; continue; }
            if (kind is CharKind.Cjk or CharKind.Symbol) { tokens.Add((i, i + 1)); i++; continue; }
            var runEnd = i + RunLength(text.AsSpan(i, end - i), 0, kind);
            for (var piece = i; piece < runEnd; piece += PerToken(kind))
                tokens.Add((piece, Math.Min(piece + PerToken(kind), runEnd)));
            i = runEnd;
        }
        return tokens;
    }

    private enum CharKind { Space, Cjk, Letter, Digit, Symbol }

    private static int PerToken(CharKind kind) => kind == CharKind.Digit ? DigitsPerToken : LettersPerToken;

    private static int RunLength(ReadOnlySpan<char> text, int from, CharKind kind)
    {
        var i = from;
        while (i < text.Length && Classify(text[i]) == kind)
            i++;
        return i - from;
    }

    private static CharKind Classify(char c)
    {
        if (char.IsWhiteSpace(c)) return CharKind.Space;
        if (Parsing.TextNormalizer.IsCjk(c) || c is >= '\u3000' and <= '\u303F' or >= '\uFF00' and <= '\uFFEF') return CharKind.Cjk;
        if (char.IsLetter(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark) return CharKind.Letter;
        if (char.IsDigit(c)) return CharKind.Digit;
        return CharKind.Symbol;
    }
}
