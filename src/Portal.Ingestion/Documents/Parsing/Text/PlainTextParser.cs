namespace Portal.Documents.Parsing.Text;

internal static class PlainTextParser
{
    public static ParsedDocument Parse(byte[] content)
    {
        var units = new UnitCollector();
        var text = TextDecoding.Decode(content, units.Warnings);
        foreach (var paragraph in TextNormalizer.Paragraphs(text))
            units.Add(paragraph);
        return units.Build(DocumentFormat.PlainText);
    }
}

internal static class CsvParser
{
    public static ParsedDocument Parse(byte[] content, IngestionLimits limits)
    {
        var units = new UnitCollector();
        var text = TextDecoding.Decode(content, units.Warnings);
        var delimiter = CsvDialect.Detect(text, isWholeFile: true) ?? ',';
        var rows = CsvReader.Read(text, delimiter, limits.MaxTableRows + 2);
        if (rows.Count > limits.MaxTableRows + 1)
        {
            rows.RemoveRange(limits.MaxTableRows + 1, rows.Count - limits.MaxTableRows - 1);
            units.Warnings.Add($"Only the first {limits.MaxTableRows} rows were read.");
        }
        units.AddTable(MarkdownTable.FromRows(rows));
        return units.Build(DocumentFormat.Csv);
    }
}
