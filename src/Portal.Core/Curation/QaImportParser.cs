using System.Text;
using System.Text.Json;

namespace Portal.Curation;

public sealed record QaImportRejection(int Line, string Reason);

internal sealed record QaImportRow(int Line, string Question, string Answer);

/// <summary>
/// Reads question/answer pairs from JSONL or CSV (detected by the first non-blank byte: '{' means JSONL).
/// Accepted shapes: <c>{question, answer}</c>; alpaca <c>{instruction, input, output}</c> (question is the
/// instruction, plus "\n" + input when input is not empty); retrieval triples <c>{query, pos, neg}</c>
/// (question = query, answer = the first pos). A CSV header names the same columns.
/// A bad row is rejected with its line number and reason and the rest go on; a file that cannot be read
/// as a whole (no usable CSV header, too many rows) is a fatal <see cref="PortalException"/> and nothing is imported.
/// </summary>
internal static class QaImportParser
{
    public const int MaxLineBytes = 64 * 1024;
    public const int MaxRows = 50_000;
    public const int MaxQuestionLength = 4000;
    public const int MaxAnswerLength = 20_000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static (List<QaImportRow> Rows, List<QaImportRejection> Rejected) Parse(ReadOnlySpan<byte> content)
    {
        if (content.StartsWith(Encoding.UTF8.Preamble)) content = content[3..];
        var lines = SplitLines(content);
        var rows = new List<QaImportRow>();
        var rejected = new List<QaImportRejection>();
        var first = lines.FirstOrDefault(l => l.Text is { } t && t.Trim().Length > 0);
        if (first.Text is null) throw PortalException.Invalid("The file has no rows.");
        if (first.Text.TrimStart().StartsWith('{'))
        {
            foreach (var (line, text, error) in lines)
            {
                if (error is not null) { rejected.Add(new(line, error)); continue; }
                if (text!.Trim().Length == 0) continue;
                Add(FromJson(line, text), rows, rejected);
            }
        }
        else
        {
            ParseCsv(lines, rows, rejected);
        }
        if (rows.Count > MaxRows) throw PortalException.Invalid($"At most {MaxRows} rows per import; split the file.");
        return (rows, rejected);
    }

    private static void Add((QaImportRow? Row, QaImportRejection? Rejection) result, List<QaImportRow> rows, List<QaImportRejection> rejected)
    {
        if (result.Row is { } row) rows.Add(row);
        else rejected.Add(result.Rejection!);
    }

    /// <summary>Lines decoded one at a time, so one line of invalid UTF-8 or one huge line rejects only itself.</summary>
    private static List<(int Line, string? Text, string? Error)> SplitLines(ReadOnlySpan<byte> content)
    {
        var lines = new List<(int, string?, string?)>();
        var number = 0;
        while (content.Length > 0 || number == 0)
        {
            number++;
            var end = content.IndexOf((byte)'\n');
            var line = end < 0 ? content : content[..end];
            content = end < 0 ? [] : content[(end + 1)..];
            if (line.EndsWith("\r"u8)) line = line[..^1];
            if (line.Length > MaxLineBytes) lines.Add((number, null, $"Line is longer than {MaxLineBytes} bytes."));
            else
            {
                try { lines.Add((number, StrictUtf8.GetString(line), null)); }
                catch (DecoderFallbackException) { lines.Add((number, null, "Line is not valid UTF-8.")); }
            }
            if (end < 0) break;
        }
        return lines;
    }

    private static (QaImportRow?, QaImportRejection?) FromJson(int line, string text)
    {
        JsonDocument json;
        try { json = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8 }); }
        catch (JsonException) { return (null, new(line, "Not valid JSON.")); }
        using (json)
        {
            var o = json.RootElement;
            if (o.ValueKind != JsonValueKind.Object) return (null, new(line, "Each line must be a JSON object."));
            string? Str(string name, out string? error)
            {
                error = null;
                if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
                if (v.ValueKind == JsonValueKind.String) return v.GetString();
                error = $"'{name}' must be a string.";
                return null;
            }
            string? question, answer, err;
            if (o.TryGetProperty("question", out _) || o.TryGetProperty("answer", out _))
            {
                question = Str("question", out err); if (err is not null) return (null, new(line, err));
                answer = Str("answer", out err); if (err is not null) return (null, new(line, err));
            }
            else if (o.TryGetProperty("instruction", out _) || o.TryGetProperty("output", out _))
            {
                question = Str("instruction", out err); if (err is not null) return (null, new(line, err));
                var input = Str("input", out err); if (err is not null) return (null, new(line, err));
                if (!string.IsNullOrWhiteSpace(input)) question += "\n" + input;
                answer = Str("output", out err); if (err is not null) return (null, new(line, err));
            }
            else if (o.TryGetProperty("query", out _) || o.TryGetProperty("pos", out _))
            {
                question = Str("query", out err); if (err is not null) return (null, new(line, err));
                answer = null;
                if (o.TryGetProperty("pos", out var pos))
                {
                    if (pos.ValueKind == JsonValueKind.String) answer = pos.GetString();
                    else if (pos.ValueKind == JsonValueKind.Array)
                    {
                        if (pos.GetArrayLength() > 0 && pos[0].ValueKind != JsonValueKind.String) return (null, new(line, "'pos' must hold strings."));
                        answer = pos.GetArrayLength() > 0 ? pos[0].GetString() : null;
                    }
                    else return (null, new(line, "'pos' must be a string or an array of strings."));
                }
            }
            else return (null, new(line, "Expected {question, answer}, {instruction, input, output} or {query, pos, neg}."));
            return Row(line, question, answer);
        }
    }

    private static (QaImportRow?, QaImportRejection?) Row(int line, string? question, string? answer)
    {
        question = question?.Trim();
        answer = answer?.Trim();
        if (string.IsNullOrEmpty(question)) return (null, new(line, "The question is empty."));
        if (string.IsNullOrEmpty(answer)) return (null, new(line, "The answer is empty."));
        if (question.Length > MaxQuestionLength) return (null, new(line, $"The question is longer than {MaxQuestionLength} characters."));
        if (answer.Length > MaxAnswerLength) return (null, new(line, $"The answer is longer than {MaxAnswerLength} characters."));
        if ((Portal.Text.TextRules.ForbiddenCharacter(question) ?? Portal.Text.TextRules.ForbiddenCharacter(answer)) is { } c) return (null, new(line, Portal.Text.TextRules.Describe(c)));
        return (new QaImportRow(line, question, answer), null);
    }

    private static void ParseCsv(List<(int Line, string? Text, string? Error)> lines, List<QaImportRow> rows, List<QaImportRejection> rejected)
    {
        Dictionary<string, int>? header = null;
        foreach (var (line, fields, error) in CsvRecords.Read(lines))
        {
            if (error is not null) { rejected.Add(new(line, error)); continue; }
            if (fields!.Count == 1 && fields[0].Trim().Length == 0) continue;
            if (header is null)
            {
                header = fields.Select((f, i) => (Name: f.Trim().ToLowerInvariant(), i)).GroupBy(f => f.Name).ToDictionary(g => g.Key, g => g.First().i);
                if (!(header.ContainsKey("question") && header.ContainsKey("answer"))
                    && !(header.ContainsKey("instruction") && header.ContainsKey("output"))
                    && !(header.ContainsKey("query") && header.ContainsKey("pos")))
                    throw PortalException.Invalid("The CSV header must name question and answer (or instruction, input, output; or query, pos).");
                continue;
            }
            string? Get(string name) => header.TryGetValue(name, out var i) && i < fields.Count ? fields[i] : null;
            if (header.ContainsKey("question")) Add(Row(line, Get("question"), Get("answer")), rows, rejected);
            else if (header.ContainsKey("instruction"))
            {
                var input = Get("input");
                Add(Row(line, Get("instruction") + (string.IsNullOrWhiteSpace(input) ? "" : "\n" + input), Get("output")), rows, rejected);
            }
            else Add(Row(line, Get("query"), Get("pos")), rows, rejected);
        }
        if (header is null) throw PortalException.Invalid("The file has no rows.");
    }
}
