using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Portal.Documents.Parsing.Office;

/// <summary>Reads Word documents: heading styles and outline levels make the heading path; tables become Markdown.</summary>
internal static class DocxParser
{
    public static ParsedDocument Parse(Stream package)
    {
        using var document = WordprocessingDocument.Open(package, false);
        var body = document.MainDocumentPart?.Document?.Body
            ?? throw new DocumentRejectedException(ParseFailureReason.Malformed, "The Word document has no body.");
        var styles = ReadStyles(document.MainDocumentPart!);
        var units = new UnitCollector();

        var stack = new Stack<OpenXmlElement>();
        for (var i = body.ChildElements.Count - 1; i >= 0; i--)
            stack.Push(body.ChildElements[i]);
        while (stack.Count > 0)
        {
            switch (stack.Pop())
            {
                case Paragraph paragraph:
                    AddParagraph(paragraph, styles, units);
                    break;
                case Table table:
                    units.AddTable(ReadTable(table));
                    break;
                case OpenXmlElement container when container is SdtBlock or SdtContentBlock or CustomXmlBlock:
                    for (var i = container.ChildElements.Count - 1; i >= 0; i--)
                        stack.Push(container.ChildElements[i]);
                    break;
            }
        }
        return units.Build(DocumentFormat.Docx);
    }

    private sealed record StyleInfo(string Name, int? OutlineLevel);

    private static Dictionary<string, StyleInfo> ReadStyles(MainDocumentPart main)
    {
        var styles = new Dictionary<string, StyleInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (var style in main.StyleDefinitionsPart?.Styles?.Elements<Style>() ?? [])
        {
            if (style.StyleId?.Value is not { } id)
                continue;
            var outline = style.StyleParagraphProperties?.OutlineLevel?.Val?.Value;
            styles[id] = new StyleInfo(style.StyleName?.Val?.Value ?? id, outline);
        }
        return styles;
    }

    private static void AddParagraph(Paragraph paragraph, Dictionary<string, StyleInfo> styles, UnitCollector units)
    {
        var text = ParagraphText(paragraph);
        if (string.IsNullOrWhiteSpace(text))
            return;
        var properties = paragraph.ParagraphProperties;
        var styleId = properties?.ParagraphStyleId?.Val?.Value;
        var style = styleId is not null && styles.TryGetValue(styleId, out var found) ? found : null;

        var level = HeadingLevel(styleId, style, properties?.OutlineLevel?.Val?.Value);
        if (level is not null)
            units.AddHeading(level.Value, text);
        else if (properties?.NumberingProperties is not null || (style?.Name.Contains("List", StringComparison.OrdinalIgnoreCase) ?? false))
            units.Add(text, UnitKind.ListItem);
        else
            units.Add(text);
    }

    // Built-in heading styles are named "heading 1".."heading 9" whatever the UI language; custom ones use outline levels.
    private static int? HeadingLevel(string? styleId, StyleInfo? style, int? paragraphOutline)
    {
        var name = style?.Name ?? styleId ?? "";
        if (name.Equals("Title", StringComparison.OrdinalIgnoreCase))
            return 0; // above "heading 1", so chapters nest under the document title
        foreach (var prefix in (ReadOnlySpan<string>)["heading ", "Heading"])
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && int.TryParse(name.AsSpan(prefix.Length), out var n) && n is >= 1 and <= 9)
                return n;
        }
        var outline = paragraphOutline ?? style?.OutlineLevel;
        return outline is >= 0 and < 9 ? outline + 1 : null;
    }

    private static string ParagraphText(OpenXmlElement paragraph)
    {
        var builder = new StringBuilder();
        foreach (var element in paragraph.Descendants())
        {
            switch (element)
            {
                case global::DocumentFormat.OpenXml.Wordprocessing.Text text: builder.Append(text.Text); break;
                case TabChar: builder.Append('\t'); break;
                case Break or CarriageReturn: builder.Append('\n'); break;
            }
        }
        return builder.ToString();
    }

    private static ParsedTable ReadTable(Table table)
    {
        var rows = table.Elements<TableRow>()
            .Select(row => (IReadOnlyList<string>)row.Elements<TableCell>()
                .Select(cell => string.Join(" ", cell.Elements<Paragraph>().Select(ParagraphText)))
                .ToList())
            .ToList();
        return MarkdownTable.FromRows(rows);
    }
}
