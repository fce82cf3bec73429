using System.Text.Json;

namespace Portal.Web.Components.Review;

/// <summary>One source an answer cites, read from the answer's stored citations.</summary>
public sealed record ReviewCitation(int N, long? ChunkId, string DocumentName, int? Page, string Snippet)
{
    public static List<ReviewCitation> Read(JsonElement citations) =>
        citations.ValueKind != JsonValueKind.Array ? [] : citations.EnumerateArray()
            .Where(c => c.ValueKind == JsonValueKind.Object)
            .Select(c => new ReviewCitation(Int(c, "n") ?? 0, Long(c, "chunkId"), Str(c, "documentName"), Int(c, "page"), Str(c, "snippet")))
            .ToList();

    private static string Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
    private static int? Int(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;
    private static long? Long(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var i) ? i : null;
}
