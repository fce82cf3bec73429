namespace Portal.Documents.Parsing.Text;

/// <summary>Finds the delimiter of a CSV-like text: one that splits the first lines into the same number (≥ 2) of fields.</summary>
internal static class CsvDialect
{
    private static readonly char[] Candidates = [',', '\t', ';', '|'];
    private const int LinesToCheck = 20;

    public static char? Detect(string text, bool isWholeFile)
    {
        var rows = new List<string>();
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (line.IsWhiteSpace())
                continue;
            rows.Add(line.ToString());
            if (rows.Count > LinesToCheck)
                break;
        }
        // The last line of a sample may be cut short.
        if (!isWholeFile && rows.Count > 2)
            rows.RemoveAt(rows.Count - 1);
        if (rows.Count < 2)
            return null;

        char? best = null;
        var bestColumns = 1;
        foreach (var delimiter in Candidates)
        {
            var columns = CsvReader.SplitLine(rows[0], delimiter).Count;
            if (columns <= bestColumns)
                continue;
            if (rows.All(row => CsvReader.SplitLine(row, delimiter).Count == columns))
            {
                best = delimiter;
                bestColumns = columns;
            }
        }
        return best;
    }
}
