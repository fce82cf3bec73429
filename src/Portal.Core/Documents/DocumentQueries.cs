using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Documents;

public sealed record DocumentRow(Guid Id, Guid KnowledgeBaseId, string Name, string Format, long SizeBytes, DocumentStatus Status,
    string? Error, string? ErrorReason, int? PageCount, int? ChunkCount, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt);

public sealed record DocumentRowPage(IReadOnlyList<DocumentRow> Items, int Total);

/// <summary>A page of a knowledge base's documents: sorted by one column, filtered by name and status.</summary>
public sealed record DocumentQuery(Guid KnowledgeBaseId, int Skip = 0, int Take = 50, string? SortBy = null, bool Descending = true,
    string? NameContains = null, DocumentStatus? Status = null);

/// <summary>Reads documents for pages and grids, in the caller's tenant transaction.</summary>
public sealed class DocumentQueries(PortalDbContext db)
{
    public const int MaxTake = 500;

    public async Task<DocumentRowPage> ListAsync(DocumentQuery query, CancellationToken ct)
    {
        if (query.Skip < 0 || query.Take is < 1 or > MaxTake) throw PortalException.Invalid($"skip must be 0 or more and take 1–{MaxTake}.");
        var rows = db.Documents.AsNoTracking().Where(d => d.KnowledgeBaseId == query.KnowledgeBaseId);
        if (query.NameContains is { Length: > 0 } name)
            rows = rows.Where(d => EF.Functions.ILike(d.Name, "%" + EscapeLike(name) + "%", "\\"));
        if (query.Status is { } status) rows = rows.Where(d => d.Status == status);
        var total = await rows.CountAsync(ct);
        var sorted = (query.SortBy, query.Descending) switch
        {
            ("name", false) => rows.OrderBy(d => d.Name),
            ("name", true) => rows.OrderByDescending(d => d.Name),
            ("status", false) => rows.OrderBy(d => d.Status),
            ("status", true) => rows.OrderByDescending(d => d.Status),
            ("chunkCount", false) => rows.OrderBy(d => d.ChunkCount),
            ("chunkCount", true) => rows.OrderByDescending(d => d.ChunkCount),
            ("sizeBytes", false) => rows.OrderBy(d => d.SizeBytes),
            ("sizeBytes", true) => rows.OrderByDescending(d => d.SizeBytes),
            (_, false) => rows.OrderBy(d => d.CreatedAt),
            _ => rows.OrderByDescending(d => d.CreatedAt),
        };
        var items = await sorted.ThenBy(d => d.Id).Skip(query.Skip).Take(query.Take)
            .Select(d => new DocumentRow(d.Id, d.KnowledgeBaseId, d.Name, d.Format, d.SizeBytes, d.Status, d.Error, d.ErrorReason,
                d.PageCount, d.ChunkCount, d.CreatedAt, d.StartedAt, d.FinishedAt))
            .ToListAsync(ct);
        return new DocumentRowPage(items, total);
    }

    private static string EscapeLike(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
