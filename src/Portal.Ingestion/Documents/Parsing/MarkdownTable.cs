using System.Text;

namespace Portal.Documents.Parsing;

/// <summary>Renders tables as GitHub-flavoured Markdown, the form chunks and prompts carry them in.</summary>
internal static class MarkdownTable
{
    public static string Render(ParsedTable table) => Render(table.Header, table.Rows);

    public static string Render(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var width = header.Count;
        var builder = new StringBuilder();
        AppendHeader(builder, header, width);
        foreach (var row in rows)
            AppendRow(builder.Append('\n'), row, width);
        return builder.ToString();
    }

    public static void AppendHeader(StringBuilder builder, IReadOnlyList<string> header, int width)
    {
        AppendRow(builder, header, width);
        builder.Append('\n').Append('|');
        for (var i = 0; i < Math.Max(width, 1); i++)
            builder.Append(" --- |");
    }

    public static void AppendRow(StringBuilder builder, IReadOnlyList<string> row, int width)
    {
        builder.Append('|');
        for (var i = 0; i < Math.Max(width, 1); i++)
            builder.Append(' ').Append(Escape(i < row.Count ? row[i] : "")).Append(" |");
    }

    private static string Escape(string cell) =>
        TextNormalizer.CollapseWhitespace(cell).Replace("|", "\\|", StringComparison.Ordinal);

    /// <summary>Makes a table from raw rows: the first row is the header; rows are padded to the widest.</summary>
    public static ParsedTable FromRows(IReadOnlyList<IReadOnlyList<string>> rows)
    {
        if (rows.Count == 0)
            return new ParsedTable([], []);
        var width = rows.Max(r => r.Count);
        IReadOnlyList<string> Pad(IReadOnlyList<string> row) =>
            row.Count == width ? row : [.. row, .. Enumerable.Repeat("", width - row.Count)];
        return new ParsedTable(Pad(rows[0]), rows.Skip(1).Select(Pad).ToList());
    }
}
