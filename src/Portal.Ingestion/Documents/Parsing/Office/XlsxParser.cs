using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Portal.Documents.Parsing.Office;

/// <summary>Reads each sheet as one table whose first non-empty row is the header; the sheet name heads it.</summary>
internal static class XlsxParser
{
    private const int MaxColumns = 16_384;

    public static ParsedDocument Parse(Stream package, IngestionLimits limits)
    {
        using var document = SpreadsheetDocument.Open(package, false);
        var workbook = document.WorkbookPart
            ?? throw new DocumentRejectedException(ParseFailureReason.Malformed, "The workbook has no workbook part.");
        var sharedStrings = workbook.SharedStringTablePart?.SharedStringTable?.Elements<SharedStringItem>().Select(s => s.InnerText).ToArray() ?? [];
        var units = new UnitCollector();

        foreach (var sheet in workbook.Workbook?.Sheets?.Elements<Sheet>() ?? [])
        {
            if (sheet.Id?.Value is not { } id || workbook.GetPartById(id) is not WorksheetPart part)
                continue;
            var name = sheet.Name?.Value ?? "Sheet";
            var rows = ReadRows(part, sharedStrings, limits.MaxTableRows, out var truncated);
            if (truncated)
                units.Warnings.Add($"Sheet '{name}': only the first {limits.MaxTableRows} rows were read.");
            if (rows.Count == 0)
                continue;
            units.AddHeading(1, name);
            units.AddTable(MarkdownTable.FromRows(rows));
        }
        return units.Build(DocumentFormat.Xlsx);
    }

    private static List<IReadOnlyList<string>> ReadRows(WorksheetPart part, string[] sharedStrings, int maxRows, out bool truncated)
    {
        truncated = false;
        var rows = new List<IReadOnlyList<string>>();
        foreach (var row in part.Worksheet?.GetFirstChild<SheetData>()?.Elements<Row>() ?? [])
        {
            var values = new List<string>();
            foreach (var cell in row.Elements<Cell>())
            {
                var column = ColumnIndex(cell.CellReference?.Value) ?? values.Count;
                if (column >= MaxColumns)
                    continue;
                while (values.Count < column)
                    values.Add("");
                values.Add(CellText(cell, sharedStrings));
            }
            while (values.Count > 0 && values[^1].Length == 0)
                values.RemoveAt(values.Count - 1);
            if (values.Count == 0)
                continue;
            if (rows.Count > maxRows)
            {
                truncated = true;
                break;
            }
            rows.Add(values);
        }
        return rows;
    }

    private static string CellText(Cell cell, string[] sharedStrings)
    {
        var raw = cell.CellValue?.Text ?? "";
        if (cell.DataType?.Value == CellValues.SharedString)
            return int.TryParse(raw, out var index) && index >= 0 && index < sharedStrings.Length ? sharedStrings[index] : "";
        if (cell.DataType?.Value == CellValues.InlineString)
            return cell.InlineString?.InnerText ?? "";
        if (cell.DataType?.Value == CellValues.Boolean)
            return raw == "1" ? "TRUE" : "FALSE";
        return raw;
    }

    private static int? ColumnIndex(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
            return null;
        var index = 0;
        var letters = 0;
        foreach (var c in reference)
        {
            if (!char.IsAsciiLetter(c))
                break;
            index = index * 26 + (char.ToUpperInvariant(c) - 'A' + 1);
            if (++letters > 3)
                return null;
        }
        return letters == 0 ? null : index - 1;
    }
}
