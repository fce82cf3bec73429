using System.Text;
using Portal.Documents.Parsing;

namespace Portal.Documents.Chunking;

/// <summary>Cuts a large table into groups of rows, each chunk repeating the header so it reads on its own.</summary>
internal static class TableSplitter
{
    public sealed record TableChunk(string Text, int Start, int End);

    public static List<TableChunk>? Split(DocumentLayout layout, int unit, int budget)
    {
        var text = layout.Units[unit].Text;
        var unitStart = layout.UnitStarts[unit];
        var lineStarts = new List<int> { 0 };
        for (var i = text.IndexOf('\n'); i >= 0; i = text.IndexOf('\n', i + 1))
            lineStarts.Add(i + 1);
        if (lineStarts.Count < 3)
            return null; // not a rendered Markdown table

        int LineEnd(int line) => line + 1 < lineStarts.Count ? lineStarts[line + 1] - 1 : text.Length;
        var header = text[..LineEnd(1)];
        var headerTokens = TokenCounter.Count(header);
        var rowBudget = Math.Max(1, budget - headerTokens);

        var chunks = new List<TableChunk>();
        var firstRow = 2;
        var tokens = 0;
        for (var line = 2; line < lineStarts.Count; line++)
        {
            var rowTokens = TokenCounter.Count(text.AsSpan(lineStarts[line], LineEnd(line) - lineStarts[line]));
            if (line > firstRow && tokens + rowTokens > rowBudget)
            {
                chunks.Add(Build(header, text, unitStart, lineStarts[firstRow], LineEnd(line - 1)));
                firstRow = line;
                tokens = 0;
            }
            tokens += rowTokens;
        }
        if (firstRow < lineStarts.Count)
            chunks.Add(Build(header, text, unitStart, lineStarts[firstRow], LineEnd(lineStarts.Count - 1)));
        return chunks;
    }

    private static TableChunk Build(string header, string text, int unitStart, int rowsStart, int rowsEnd) =>
        new(new StringBuilder(header).Append('\n').Append(text, rowsStart, rowsEnd - rowsStart).ToString(), unitStart + rowsStart, unitStart + rowsEnd);
}
