using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Documents;

namespace Portal.Documents;

public sealed record DocumentTimings(long? ParseMs, long? ChunkMs, long? IndexMs, long? TotalMs);

/// <summary>A document and where its ingestion stands. Null fields are written as null, not left out.</summary>
public sealed record DocumentView(
    Guid Id, Guid KnowledgeBaseId, string Name, string Format, long SizeBytes, string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Error,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ErrorReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? PageCount,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? ChunkCount,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? Version,
    DateTimeOffset CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? StartedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? FinishedAt,
    DocumentTimings Timings)
{
    internal static DocumentView From(Document d) => new(
        d.Id, d.KnowledgeBaseId, d.Name, d.Format, d.SizeBytes, d.Status.ToString(), d.Error, d.ErrorReason, d.PageCount,
        d.ChunkCount, d.ActiveVersion, d.CreatedAt, d.StartedAt, d.FinishedAt, TimingsOf(d.Timings));

    private static DocumentTimings TimingsOf(JsonDocument json)
    {
        long? Read(string name) => json.RootElement.ValueKind == JsonValueKind.Object
            && json.RootElement.TryGetProperty(name, out var v) && v.TryGetInt64(out var ms) ? ms : null;
        return new(Read("parseMs"), Read("chunkMs"), Read("indexMs"), Read("totalMs"));
    }
}

public sealed record DocumentPage(IReadOnlyList<DocumentView> Items, int Total, int Skip, int Take);

public sealed record ChunkView(
    int Index, string Text, int? Page, int? EndPage, IReadOnlyList<string> HeadingPath, bool IsOcr, int TokenCount,
    string Language, int CharStart, int CharEnd);

public sealed record ChunkPage(Guid DocumentId, int? Version, IReadOnlyList<ChunkView> Items, int Total, int Skip, int Take);

/// <summary>One file of an upload: the new document, or the existing one it duplicates (same bytes, same knowledge base).</summary>
public sealed record UploadedDocument(Guid Id, string Name, string Status, Guid? DuplicateOf);

public sealed record UploadResult(IReadOnlyList<UploadedDocument> Documents);
