using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using W = DocumentFormat.OpenXml.Wordprocessing;
using S = DocumentFormat.OpenXml.Spreadsheet;
using P = DocumentFormat.OpenXml.Presentation;
using A = DocumentFormat.OpenXml.Drawing;

namespace Portal.TestSupport.Fixtures;

/// <summary>Builds small DOCX, XLSX and PPTX files with the Open XML SDK.</summary>
public static class OfficeSamples
{
    /// <summary>A Word document; each block is ("Heading1".."Heading9" | "Title" | "List" | "" , text), or a table when text is null.</summary>
    public static byte[] Docx(IEnumerable<(string Style, string Text)> blocks, string[][]? table = null)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var body = new W.Body();
            foreach (var (style, text) in blocks)
            {
                var paragraph = new W.Paragraph();
                var properties = new W.ParagraphProperties();
                if (style == "List")
                    properties.Append(new W.NumberingProperties(new W.NumberingLevelReference { Val = 0 }, new W.NumberingId { Val = 1 }));
                else if (style.Length > 0)
                    properties.Append(new W.ParagraphStyleId { Val = style });
                paragraph.Append(properties);
                paragraph.Append(new W.Run(new W.Text(text) { Space = SpaceProcessingModeValues.Preserve }));
                body.Append(paragraph);
            }
            if (table is not null)
            {
                var wordTable = new W.Table();
                foreach (var row in table)
                    wordTable.Append(new W.TableRow(row.Select(cell => new W.TableCell(new W.Paragraph(new W.Run(new W.Text(cell)))))));
                body.Append(wordTable);
            }
            main.Document = new W.Document(body);
        }
        return stream.ToArray();
    }

    public static byte[] Xlsx(params (string Name, string[][] Rows)[] sheets)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new S.Workbook(new S.Sheets());
            var sharedStrings = workbook.AddNewPart<SharedStringTablePart>();
            sharedStrings.SharedStringTable = new S.SharedStringTable();
            var stringIndex = new Dictionary<string, int>();
            uint sheetId = 1;
            foreach (var (name, rows) in sheets)
            {
                var part = workbook.AddNewPart<WorksheetPart>();
                var data = new S.SheetData();
                for (var r = 0; r < rows.Length; r++)
                {
                    var row = new S.Row { RowIndex = (uint)(r + 1) };
                    for (var c = 0; c < rows[r].Length; c++)
                    {
                        var value = rows[r][c];
                        var reference = $"{(char)('A' + c)}{r + 1}";
                        if (double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out _))
                            row.Append(new S.Cell { CellReference = reference, CellValue = new S.CellValue(value) });
                        else
                        {
                            if (!stringIndex.TryGetValue(value, out var index))
                            {
                                index = stringIndex.Count;
                                stringIndex[value] = index;
                                sharedStrings.SharedStringTable.Append(new S.SharedStringItem(new S.Text(value)));
                            }
                            row.Append(new S.Cell { CellReference = reference, DataType = S.CellValues.SharedString, CellValue = new S.CellValue(index.ToString(System.Globalization.CultureInfo.InvariantCulture)) });
                        }
                    }
                    data.Append(row);
                }
                part.Worksheet = new S.Worksheet(data);
                workbook.Workbook.Sheets!.Append(new S.Sheet { Id = workbook.GetIdOfPart(part), SheetId = sheetId++, Name = name });
            }
        }
        return stream.ToArray();
    }

    public static byte[] Pptx(params (string Title, string Body)[] slides)
    {
        using var stream = new MemoryStream();
        using (var document = PresentationDocument.Create(stream, PresentationDocumentType.Presentation))
        {
            var presentationPart = document.AddPresentationPart();
            presentationPart.Presentation = new P.Presentation();
            var slideIds = new P.SlideIdList();
            uint id = 256;
            foreach (var (title, body) in slides)
            {
                var slidePart = presentationPart.AddNewPart<SlidePart>();
                slidePart.Slide = new P.Slide(new P.CommonSlideData(new P.ShapeTree(
                    new P.NonVisualGroupShapeProperties(new P.NonVisualDrawingProperties { Id = 1, Name = "" }, new P.NonVisualGroupShapeDrawingProperties(), new P.ApplicationNonVisualDrawingProperties()),
                    new P.GroupShapeProperties(),
                    Shape(2, title, P.PlaceholderValues.Title),
                    Shape(3, body, null))));
                slideIds.Append(new P.SlideId { Id = id++, RelationshipId = presentationPart.GetIdOfPart(slidePart) });
            }
            presentationPart.Presentation.Append(slideIds);
        }
        return stream.ToArray();
    }

    private static P.Shape Shape(uint id, string text, P.PlaceholderValues? placeholder)
    {
        var application = new P.ApplicationNonVisualDrawingProperties();
        if (placeholder is not null)
            application.Append(new P.PlaceholderShape { Type = placeholder });
        return new P.Shape(
            new P.NonVisualShapeProperties(new P.NonVisualDrawingProperties { Id = id, Name = $"Shape {id}" }, new P.NonVisualShapeDrawingProperties(), application),
            new P.ShapeProperties(),
            new P.TextBody(new A.BodyProperties(), new A.ListStyle(),
                new A.Paragraph(new A.Run(new A.Text(text)))));
    }
}
