using System.Text;

namespace Portal.Curation;

/// <summary>
/// RFC 4180 records from decoded lines: comma-separated, double quotes around a field that holds
/// commas, quotes ("" inside) or line breaks. A record keeps the number of the line it starts on.
/// </summary>
internal static class CsvRecords
{
    public const int MaxRecordChars = 64 * 1024;

    public static IEnumerable<(int Line, List<string>? Fields, string? Error)> Read(IEnumerable<(int Line, string? Text, string? Error)> lines)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var start = 0;
        var broken = (string?)null;
        foreach (var (line, text, error) in lines)
        {
            if (!quoted) { start = line; fields = []; field.Clear(); broken = null; }
            if (error is not null) broken ??= error;
            else
            {
                if (quoted) field.Append('\n');
                for (var i = 0; i < text!.Length; i++)
                {
                    var c = text[i];
                    if (quoted)
                    {
                        if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                        else if (c == '"') quoted = false;
                        else field.Append(c);
                    }
                    else if (c == '"' && field.Length == 0) quoted = true;
                    else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
                    else field.Append(c);
                }
                if (field.Length > MaxRecordChars) { broken ??= $"Record is longer than {MaxRecordChars} characters."; quoted = false; }
            }
            if (quoted && broken is null) continue;
            quoted = false;
            fields.Add(field.ToString());
            yield return broken is null ? (start, fields, null) : (start, null, broken);
        }
        if (quoted) yield return (start, null, "Unterminated quoted field.");
    }
}
