using Portal.Documents.Sandbox;

namespace Portal.Documents.Parsing;

/// <summary>Limits for native tools (poppler, tesseract) started by the parser.</summary>
internal sealed record NativeToolLimits(long AddressSpaceBytes, int CpuSeconds, long MaxWrittenFileBytes, int TimeoutSeconds)
{
    public static NativeToolLimits From(ParserSandboxOptions sandbox) => new(
        sandbox.NativeToolAddressSpaceBytes, sandbox.NativeToolTimeoutSeconds, sandbox.MaxWrittenFileBytes, sandbox.NativeToolTimeoutSeconds);
}

/// <summary>Everything a parser needs to know besides the file; sent from the host to the child with each file.</summary>
internal sealed record ParserSettings(IngestionLimits Limits, OcrOptions Ocr, NativeToolLimits Tools)
{
    public static ParserSettings Default { get; } = new(new IngestionLimits(), new OcrOptions(), NativeToolLimits.From(new ParserSandboxOptions()));
}

/// <summary>Collects units in reading order and keeps the current heading path.</summary>
internal sealed class UnitCollector
{
    private readonly List<(int Level, string Title)> headings = [];
    public List<ParsedUnit> Units { get; } = [];
    public List<string> Warnings { get; } = [];

    public IReadOnlyList<string> HeadingPath => headings.Select(h => h.Title).ToArray();

    /// <summary>Opens a heading at <paramref name="level"/> (1 = top), closing any at the same or deeper level.</summary>
    public void AddHeading(int level, string title, int? page = null)
    {
        title = TextNormalizer.CollapseWhitespace(title);
        if (title.Length == 0)
            return;
        while (headings.Count > 0 && headings[^1].Level >= level)
            headings.RemoveAt(headings.Count - 1);
        headings.Add((level, title));
        Units.Add(new ParsedUnit { Text = title, Kind = UnitKind.Heading, HeadingPath = HeadingPath, Page = page });
    }

    public void Add(string text, UnitKind kind = UnitKind.Paragraph, int? page = null, bool isOcr = false, ParsedTable? table = null)
    {
        text = kind is UnitKind.Code or UnitKind.Table ? text.Trim('\n', '\r') : text.Trim();
        if (text.Length == 0)
            return;
        Units.Add(new ParsedUnit { Text = text, Kind = kind, Page = page, IsOcr = isOcr, HeadingPath = HeadingPath, Table = table });
    }

    public void AddTable(ParsedTable table, int? page = null)
    {
        if (table.Header.Count == 0 && table.Rows.Count == 0)
            return;
        Add(MarkdownTable.Render(table), UnitKind.Table, page, table: table);
    }

    public ParsedDocument Build(DocumentFormat format, int? pageCount = null) =>
        new() { Format = format, PageCount = pageCount, Units = Units, Warnings = Warnings };
}
