using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.IntegrationTests.Hostile;

/// <summary>An endpoint that takes a JSON body, with a plausible body built from its schema and the paths of its fields.</summary>
public sealed record FuzzOperation(string Method, string Path, JsonObject Baseline, IReadOnlyList<string[]> Fields)
{
    public override string ToString() => $"{Method} {Path}";
}

/// <summary>Reads every JSON-bodied operation out of the OpenAPI document, so a new endpoint is fuzzed without being listed.</summary>
internal static class FuzzOperations
{
    public static List<FuzzOperation> From(JsonElement document, IReadOnlyDictionary<string, string> pathValues)
    {
        var schemas = document.TryGetProperty("components", out var c) && c.TryGetProperty("schemas", out var s) ? s : default;
        var operations = new List<FuzzOperation>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
            foreach (var op in path.Value.EnumerateObject())
            {
                if (op.Name is not ("post" or "put" or "patch")) continue;
                if (!op.Value.TryGetProperty("requestBody", out var body) || !body.TryGetProperty("content", out var content)
                    || !content.TryGetProperty("application/json", out var json) || !json.TryGetProperty("schema", out var schema))
                    continue;
                if (Sample(schema, schemas, 0) is not JsonObject baseline) continue;
                var fields = new List<string[]> { Array.Empty<string>() };
                Collect(baseline, [], fields);
                operations.Add(new FuzzOperation(op.Name.ToUpperInvariant(), Fill(path.Name, pathValues), baseline, fields));
            }
        return operations;
    }

    private static string Fill(string path, IReadOnlyDictionary<string, string> values)
    {
        foreach (var (name, value) in values) path = path.Replace("{" + name + "}", value, StringComparison.Ordinal);
        // Any other id names something that does not exist: validation still runs, and the answer must still not be a 5xx.
        return System.Text.RegularExpressions.Regex.Replace(path, @"\{[^}]+\}", _ => Guid.NewGuid().ToString());
    }

    private static void Collect(JsonObject node, string[] prefix, List<string[]> fields)
    {
        foreach (var (name, value) in node)
        {
            string[] path = [.. prefix, name];
            fields.Add(path);
            if (value is JsonObject child && prefix.Length < 2) Collect(child, path, fields);
        }
    }

    private static JsonNode? Sample(JsonElement schema, JsonElement schemas, int depth)
    {
        if (depth > 4) return null;
        if (schema.TryGetProperty("$ref", out var reference))
            return schemas.ValueKind == JsonValueKind.Object && schemas.TryGetProperty(reference.GetString()!.Split('/')[^1], out var target)
                ? Sample(target, schemas, depth + 1) : null;
        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
            if (schema.TryGetProperty(combinator, out var options))
                foreach (var option in options.EnumerateArray())
                    if (Sample(option, schemas, depth + 1) is { } sampled) return sampled;
        if (schema.TryGetProperty("enum", out var values) && values.GetArrayLength() > 0) return JsonNode.Parse(values[0].GetRawText());
        return TypeOf(schema) switch
        {
            "object" => ObjectSample(schema, schemas, depth),
            "array" => new JsonArray(),
            "string" => schema.TryGetProperty("format", out var f) && f.GetString() == "uuid" ? Guid.NewGuid().ToString()
                : schema.TryGetProperty("format", out var d) && d.GetString() == "date-time" ? DateTimeOffset.UtcNow.AddDays(1).ToString("O") : "fuzz",
            "integer" => 1,
            "number" => 0.5,
            "boolean" => false,
            _ => schema.TryGetProperty("properties", out _) ? ObjectSample(schema, schemas, depth) : null,
        };
    }

    private static JsonObject ObjectSample(JsonElement schema, JsonElement schemas, int depth)
    {
        var node = new JsonObject();
        if (schema.TryGetProperty("properties", out var properties))
            foreach (var p in properties.EnumerateObject())
                node[p.Name] = Sample(p.Value, schemas, depth + 1);
        return node;
    }

    private static string? TypeOf(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out var type)) return null;
        if (type.ValueKind == JsonValueKind.String) return type.GetString();
        return type.EnumerateArray().Select(t => t.GetString()).FirstOrDefault(t => t != "null");
    }
}
