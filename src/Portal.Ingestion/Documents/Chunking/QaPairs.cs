using System.Text.Json;
using System.Text.RegularExpressions;
using Portal.Documents.Parsing;

namespace Portal.Documents.Chunking;

/// <summary>
/// Finds question-and-answer pairs: table rows under a question/answer header (CSV, XLSX), JSON lines
/// with question and answer fields, or text marked "Q:"/"A:" or "问："/"答：".
/// </summary>
internal static partial class QaPairs
{
    private static readonly string[] QuestionNames = ["question", "q", "prompt", "instruction", "问题", "问"];
    private static readonly string[] AnswerNames = ["answer", "a", "response", "output", "答案", "答", "回答"];

    public static bool Find(DocumentLayout layout, List<RawChunk> output)
    {
        var before = output.Count;
        FromTables(layout, output);
        if (output.Count == before)
            FromJsonLines(layout, output);
        if (output.Count == before)
            FromMarkers(layout, output);
        return output.Count > before;
    }

    private static void FromTables(DocumentLayout layout, List<RawChunk> output)
    {
        for (var u = 0; u < layout.Units.Count; u++)
        {
            if (layout.Units[u].Table is not { } table)
                continue;
            var q = IndexOf(table.Header, QuestionNames);
            var a = IndexOf(table.Header, AnswerNames);
            if (q < 0 || a < 0)
                continue;
            var text = layout.Units[u].Text;
            var lineStart = 0;
            for (var line = 0; line < table.Rows.Count + 2 && lineStart <= text.Length; line++)
            {
                var lineEnd = text.IndexOf('\n', lineStart);
                if (lineEnd < 0) lineEnd = text.Length;
                if (line >= 2)
                {
                    var row = table.Rows[line - 2];
                    var question = q < row.Count ? row[q].Trim() : "";
                    var answer = a < row.Count ? row[a].Trim() : "";
                    if (question.Length > 0 && answer.Length > 0)
                        output.Add(new RawChunk(layout.UnitStarts[u] + lineStart, layout.UnitStarts[u] + lineEnd, $"Q: {question}\nA: {answer}"));
                }
                lineStart = lineEnd + 1;
            }
        }
    }

    private static void FromJsonLines(DocumentLayout layout, List<RawChunk> output)
    {
        var text = layout.FullText;
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            if (end < 0) end = text.Length;
            var line = text.AsSpan(start, end - start).Trim();
            if (line.StartsWith('{') && line.EndsWith('}') && ReadJsonPair(line.ToString()) is { } pair)
                output.Add(new RawChunk(start, end, $"Q: {pair.Question}\nA: {pair.Answer}"));
            start = end + 1;
        }
    }

    private static (string Question, string Answer)? ReadJsonPair(string line)
    {
        try
        {
            using var json = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 8 });
            if (json.RootElement.ValueKind != JsonValueKind.Object)
                return null;
            string? question = null, answer = null;
            foreach (var property in json.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String) continue;
                if (question is null && QuestionNames.Contains(property.Name.ToLowerInvariant())) question = property.Value.GetString();
                else if (answer is null && AnswerNames.Contains(property.Name.ToLowerInvariant())) answer = property.Value.GetString();
            }
            return string.IsNullOrWhiteSpace(question) || string.IsNullOrWhiteSpace(answer) ? null : (question.Trim(), answer.Trim());
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void FromMarkers(DocumentLayout layout, List<RawChunk> output)
    {
        var text = layout.FullText;
        var questions = QuestionMarker().Matches(text);
        for (var i = 0; i < questions.Count; i++)
        {
            var start = questions[i].Index;
            var end = i + 1 < questions.Count ? questions[i + 1].Index : text.Length;
            if (AnswerMarker().IsMatch(text.AsSpan(start, end - start)))
                output.Add(new RawChunk(start, end));
        }
    }

    private static int IndexOf(IReadOnlyList<string> header, string[] names)
    {
        for (var i = 0; i < header.Count; i++)
        {
            if (names.Contains(header[i].Trim().ToLowerInvariant()))
                return i;
        }
        return -1;
    }

    [GeneratedRegex(@"^[ \t]*(?:Q|Question|问|问题)[ \t]*\d*[ \t]*[:：]", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex QuestionMarker();

    [GeneratedRegex(@"^[ \t]*(?:A|Answer|答|答案|回答)[ \t]*\d*[ \t]*[:：]", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex AnswerMarker();
}
