using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Ml.Training.Embeddings;

/// <summary>One FlagEmbedding-style training line: <c>{"query": …, "pos": [..], "neg": [..]}</c>.</summary>
public sealed record ContrastiveExample(
    [property: JsonPropertyName("query")] string Query,
    [property: JsonPropertyName("pos")] IReadOnlyList<string> Positives,
    [property: JsonPropertyName("neg")] IReadOnlyList<string> Negatives)
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static List<ContrastiveExample> ReadJsonl(string path)
    {
        var examples = new List<ContrastiveExample>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            var raw = JsonSerializer.Deserialize<Raw>(line) ?? throw new InvalidDataException($"{path}:{lineNumber}: not a JSON object");
            if (string.IsNullOrEmpty(raw.query) || raw.pos is not { Count: > 0 })
                throw new InvalidDataException($"{path}:{lineNumber}: 'query' and at least one 'pos' are required");
            examples.Add(new ContrastiveExample(raw.query, raw.pos, raw.neg ?? []));
        }
        return examples;
    }

    public static void WriteJsonl(string path, IEnumerable<ContrastiveExample> examples) =>
        File.WriteAllLines(path, examples.Select(e => JsonSerializer.Serialize(e, Json)));

    private sealed record Raw(string? query, List<string>? pos, List<string>? neg);
}
