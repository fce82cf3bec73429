using Portal.Documents.Parsing;

namespace Portal.Documents.Chunking;

internal static class ChunkStrategies
{
    public static void FixedTokens(DocumentLayout layout, int size, int overlap, List<RawChunk> output)
    {
        var tokens = TokenCounter.Tokenize(layout.FullText, 0, layout.FullText.Length);
        var step = size - overlap;
        for (var i = 0; i < tokens.Count; i += step)
        {
            var last = Math.Min(i + size, tokens.Count) - 1;
            output.Add(new RawChunk(tokens[i].Start, tokens[last].End));
            if (last == tokens.Count - 1)
                break;
        }
    }

    public static void Recursive(DocumentLayout layout, int from, int to, int size, int overlap, List<RawChunk> output,
        IReadOnlyList<string>? headingPath = null)
    {
        var pieces = new List<Piece>();
        void Flush()
        {
            foreach (var (start, end) in SpanSplitter.Pack(pieces, size, overlap))
                output.Add(new RawChunk(start, end, HeadingPath: headingPath));
            pieces.Clear();
        }

        for (var u = from; u < to; u++)
        {
            var unit = layout.Units[u];
            if (unit.Kind == UnitKind.Table && TokenCounter.Count(unit.Text) > size
                && TableSplitter.Split(layout, u, size) is { } tableChunks)
            {
                Flush();
                foreach (var table in tableChunks)
                    output.Add(new RawChunk(table.Start, table.End, table.Text, headingPath ?? unit.HeadingPath));
                continue;
            }
            SpanSplitter.SplitToFit(layout.FullText, layout.UnitStarts[u], layout.UnitEnd(u), size, pieces);
        }
        Flush();
    }

    /// <summary>
    /// A section is a run of headings followed by the body under the last of them. It becomes one chunk when it
    /// fits, otherwise it is cut recursively; every chunk carries the section's heading path.
    /// </summary>
    public static void HeadingAware(DocumentLayout layout, int size, int overlap, List<RawChunk> output)
    {
        var units = layout.Units;
        var from = 0;
        while (from < units.Count)
        {
            var to = from + 1;
            while (to < units.Count && !StartsSection(units[to - 1], units[to]))
                to++;

            var path = units[to - 1].HeadingPath;
            var tokens = 0;
            for (var u = from; u < to && tokens <= size; u++)
                tokens += TokenCounter.Count(units[u].Text);
            if (tokens <= size)
                output.Add(new RawChunk(layout.UnitStarts[from], layout.UnitEnd(to - 1), HeadingPath: path));
            else
                Recursive(layout, from, to, size, overlap, output, path);
            from = to;
        }
    }

    private static bool StartsSection(ParsedUnit previous, ParsedUnit next)
    {
        if (next.Kind == UnitKind.Heading)
            return previous.Kind != UnitKind.Heading;
        return previous.Kind != UnitKind.Heading && !previous.HeadingPath.SequenceEqual(next.HeadingPath);
    }
}
