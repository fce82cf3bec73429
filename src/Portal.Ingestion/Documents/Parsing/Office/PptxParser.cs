using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using A = DocumentFormat.OpenXml.Drawing;
using P = DocumentFormat.OpenXml.Presentation;

namespace Portal.Documents.Parsing.Office;

/// <summary>One unit per slide: its title heads it, then its text boxes, then its speaker notes.</summary>
internal static class PptxParser
{
    public static ParsedDocument Parse(Stream package)
    {
        using var document = PresentationDocument.Open(package, false);
        var presentation = document.PresentationPart
            ?? throw new DocumentRejectedException(ParseFailureReason.Malformed, "The presentation has no presentation part.");
        var slideIds = presentation.Presentation?.SlideIdList?.Elements<P.SlideId>().ToList() ?? [];
        var units = new List<ParsedUnit>();
        var number = 0;

        foreach (var slideId in slideIds)
        {
            number++;
            if (slideId.RelationshipId?.Value is not { } rel || presentation.GetPartById(rel) is not SlidePart slidePart)
                continue;
            var title = "";
            var body = new StringBuilder();
            foreach (var shape in slidePart.Slide?.Descendants<P.Shape>() ?? [])
            {
                var text = ShapeText(shape);
                if (text.Length == 0)
                    continue;
                var placeholder = shape.NonVisualShapeProperties?.ApplicationNonVisualDrawingProperties?.PlaceholderShape?.Type?.Value;
                if (title.Length == 0 && (placeholder == P.PlaceholderValues.Title || placeholder == P.PlaceholderValues.CenteredTitle))
                    title = TextNormalizer.CollapseWhitespace(text);
                else
                    body.Append(text).Append('\n');
            }
            foreach (var table in slidePart.Slide?.Descendants<A.Table>() ?? [])
                body.Append(MarkdownTable.Render(ReadTable(table))).Append('\n');

            var notes = slidePart.NotesSlidePart?.NotesSlide?.Descendants<P.Shape>()
                .Where(s => s.NonVisualShapeProperties?.ApplicationNonVisualDrawingProperties?.PlaceholderShape?.Type?.Value == P.PlaceholderValues.Body)
                .Select(ShapeText).Where(t => t.Length > 0).ToList() ?? [];
            if (notes.Count > 0)
                body.Append("Notes: ").Append(string.Join("\n", notes)).Append('\n');

            var slideText = (title.Length > 0 ? title + "\n" : "") + body.ToString().Trim();
            if (slideText.Trim().Length == 0)
                continue;
            units.Add(new ParsedUnit
            {
                Text = slideText.Trim(),
                Kind = UnitKind.Slide,
                Page = number,
                HeadingPath = title.Length > 0 ? [title] : [],
            });
        }
        return new ParsedDocument { Format = DocumentFormat.Pptx, PageCount = slideIds.Count, Units = units };
    }

    private static string ShapeText(OpenXmlElement shape) =>
        string.Join("\n", shape.Descendants<A.Paragraph>()
            .Select(p => string.Concat(p.Descendants<A.Text>().Select(t => t.Text)))
            .Where(line => line.Trim().Length > 0)).Trim();

    private static ParsedTable ReadTable(A.Table table) =>
        MarkdownTable.FromRows(table.Elements<A.TableRow>()
            .Select(row => (IReadOnlyList<string>)row.Elements<A.TableCell>().Select(ShapeText).ToList())
            .ToList());
}
