namespace Portal.Documents.Chunking;

/// <summary>
/// Recursive splitting: a span too big for the budget is cut at paragraphs, then lines, then sentences,
/// then words, then tokens, until every piece fits; pieces are then packed into chunks with overlap.
/// </summary>
internal static class SpanSplitter
{
    private const int Paragraphs = 0, Lines = 1, Sentences = 2, Words = 3, Tokens = 4;

    public static void SplitToFit(string text, int start, int end, int budget, List<Piece> output, int level = Paragraphs)
    {
        var tokens = TokenCounter.Count(text.AsSpan(start, end - start));
        if (tokens <= budget || level > Tokens)
        {
            output.Add(new Piece(start, end, tokens));
            return;
        }
        if (level == Tokens)
        {
            var spans = TokenCounter.Tokenize(text, start, end);
            for (var i = 0; i < spans.Count; i += budget)
            {
                var pieceStart = i == 0 ? start : spans[i].Start;
                var pieceEnd = i + budget >= spans.Count ? end : spans[i + budget].Start;
                output.Add(new Piece(pieceStart, pieceEnd, Math.Min(budget, spans.Count - i)));
            }
            return;
        }
        var cuts = Cuts(text, start, end, level);
        if (cuts.Count <= 1)
        {
            SplitToFit(text, start, end, budget, output, level + 1);
            return;
        }
        var from = start;
        foreach (var cut in cuts)
        {
            if (cut > from)
                SplitToFit(text, from, cut, budget, output, level + 1);
            from = cut;
        }
    }

    /// <summary>Packs pieces greedily into chunks of at most <paramref name="budget"/> tokens, repeating up to <paramref name="overlap"/> tokens.</summary>
    public static List<(int Start, int End)> Pack(IReadOnlyList<Piece> pieces, int budget, int overlap)
    {
        var chunks = new List<(int, int)>();
        var window = new List<Piece>();
        var windowTokens = 0;
        var hasNew = false;
        foreach (var piece in pieces)
        {
            if (window.Count > 0 && windowTokens + piece.Tokens > budget)
            {
                if (hasNew)
                    chunks.Add((window[0].Start, window[^1].End));
                hasNew = false;
                while (window.Count > 0 && (windowTokens > overlap || windowTokens + piece.Tokens > budget))
                {
                    windowTokens -= window[0].Tokens;
                    window.RemoveAt(0);
                }
            }
            window.Add(piece);
            windowTokens += piece.Tokens;
            hasNew = true;
        }
        if (window.Count > 0 && hasNew)
            chunks.Add((window[0].Start, window[^1].End));
        return chunks;
    }

    private static List<int> Cuts(string text, int start, int end, int level)
    {
        var cuts = new List<int>();
        switch (level)
        {
            case Paragraphs:
                for (var i = text.IndexOf("\n\n", start, end - start, StringComparison.Ordinal); i >= 0 && i < end;
                     i = i + 2 < end ? text.IndexOf("\n\n", i + 2, end - i - 2, StringComparison.Ordinal) : -1)
                    cuts.Add(SkipWhitespace(text, i, end));
                break;
            case Lines:
                for (var i = text.IndexOf('\n', start, end - start); i >= 0 && i < end;
                     i = i + 1 < end ? text.IndexOf('\n', i + 1, end - i - 1) : -1)
                    cuts.Add(i + 1);
                break;
            case Sentences:
                cuts.AddRange(SentenceSplitter.SentenceEnds(text, start, end));
                break;
            case Words:
                for (var i = start + 1; i < end; i++)
                {
                    var previous = text[i - 1];
                    var current = text[i];
                    if ((char.IsWhiteSpace(previous) && !char.IsWhiteSpace(current))
                        || Parsing.TextNormalizer.IsCjk(current) || Parsing.TextNormalizer.IsCjk(previous) && !char.IsWhiteSpace(current))
                        cuts.Add(i);
                }
                break;
        }
        if (cuts.Count == 0 || cuts[^1] < end)
            cuts.Add(end);
        return cuts;
    }

    private static int SkipWhitespace(string text, int i, int end)
    {
        while (i < end && char.IsWhiteSpace(text[i]))
            i++;
        return i;
    }
}
