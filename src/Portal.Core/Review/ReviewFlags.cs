using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Chat;
using Portal.Data;

namespace Portal.Review;

/// <summary>
/// Puts an answer in the review queue. One item per message: a second reason is merged into the
/// first item's reasons, so a thumbs-down on a low-confidence answer is one entry, not two.
/// The chat service calls this for low-confidence and "I don't know" answers; feedback for the rest.
/// </summary>
public static class ReviewFlags
{
    public static async Task FlagAsync(PortalDbContext db, Guid tenantId, Guid messageId, Guid? knowledgeBaseId, string reason, CancellationToken ct)
    {
        if (reason is not (ReviewReasons.ThumbsDown or ReviewReasons.LowConfidence or ReviewReasons.Unknown or ReviewReasons.Reported))
            throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a review reason.");
        // The knowledge base column is set from a uuid or NULL; a typed parameter keeps NULL unambiguous.
        var kb = new Npgsql.NpgsqlParameter("kb", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)knowledgeBaseId ?? DBNull.Value };
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO review_items (id, tenant_id, message_id, knowledge_base_id, reasons)
            VALUES (@id, @tenant, @message, @kb, ARRAY[@reason]::text[])
            ON CONFLICT (message_id) DO UPDATE SET
                reasons = ARRAY(SELECT DISTINCT r FROM unnest(review_items.reasons || EXCLUDED.reasons) r ORDER BY r),
                knowledge_base_id = coalesce(review_items.knowledge_base_id, EXCLUDED.knowledge_base_id)
            """,
            [new Npgsql.NpgsqlParameter("id", Guid.CreateVersion7()), new Npgsql.NpgsqlParameter("tenant", tenantId),
             new Npgsql.NpgsqlParameter("message", messageId), kb, new Npgsql.NpgsqlParameter("reason", reason)], ct);
    }

    /// <summary>The knowledge base an answer came from: its first cited chunk's, else its conversation's first.</summary>
    public static async Task<Guid?> KnowledgeBaseOfAsync(PortalDbContext db, Message answer, CancellationToken ct)
    {
        var chunkIds = CitedChunkIds(answer.Citations);
        if (chunkIds.Count > 0)
        {
            var kb = await db.Chunks.Where(c => chunkIds.Contains(c.Id)).Select(c => (Guid?)c.KnowledgeBaseId).FirstOrDefaultAsync(ct);
            if (kb is not null) return kb;
        }
        var kbs = await db.Conversations.Where(c => c.Id == answer.ConversationId).Select(c => c.KnowledgeBaseIds).SingleOrDefaultAsync(ct);
        return kbs is [var first, ..] ? first : null;
    }

    /// <summary>The chunk ids in a message's citations (<c>[{chunkId, …}]</c>); anything malformed is skipped.</summary>
    public static IReadOnlyList<long> CitedChunkIds(JsonDocument citations)
    {
        if (citations.RootElement.ValueKind != JsonValueKind.Array) return [];
        var ids = new List<long>();
        foreach (var c in citations.RootElement.EnumerateArray())
            if (c.ValueKind == JsonValueKind.Object && c.TryGetProperty("chunkId", out var id) && id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out var value))
                ids.Add(value);
        return ids;
    }
}
