using System.Text;

namespace Portal.Documents.Parsing.Text;

/// <summary>RFC 4180 reading: quoted fields may hold delimiters, doubled quotes and line breaks.</summary>
internal static class CsvReader
{
    public static List<string> SplitLine(string line, char delimiter)
    {
        var rows = Read(line, delimiter, maxRows: 1);
        return rows.Count > 0 ? rows[0] : [];
    }

    public static List<List<string>> Read(string text, char delimiter, int maxRows)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var inQuotes = false;
        var fieldStarted = false;

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else inQuotes = false;
                }
                else field.Append(c);
                continue;
            }
            if (c == '"' && field.Length == 0) { inQuotes = true; fieldStarted = true; }
            else if (c == delimiter) { row.Add(field.ToString()); field.Clear(); fieldStarted = true; }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                if (fieldStarted || field.Length > 0 || row.Count > 0)
                {
                    row.Add(field.ToString());
                    rows.Add(row);
                    if (rows.Count >= maxRows) return rows;
                }
                row = [];
                field.Clear();
                fieldStarted = false;
            }
            else { field.Append(c); fieldStarted = true; }
        }
        if (fieldStarted || field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            rows.Add(row);
        }
        return rows;
    }
}
