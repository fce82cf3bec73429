using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Tenancy;

namespace Portal.Curation;

public sealed record QaPairView(Guid Id, Guid KnowledgeBaseId, string Question, string Answer, string Source, string CreatedBy,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record QaImportReport(int Imported, IReadOnlyList<QaImportRejection> Rejected, int Duplicates);

/// <summary>Curated question/answer pairs of a knowledge base. Every method runs in the caller's tenant transaction.</summary>
internal sealed class QaPairService(PortalDbContext db, TenantContext tenant, QaIndexing indexing)
{
    public const int MaxRejectionsReported = 1000;

    public async Task<IReadOnlyList<QaPairView>> ListAsync(Guid kbId, CancellationToken ct)
    {
        await RequireKnowledgeBaseAsync(kbId, ct);
        return await db.QaPairs.AsNoTracking().Where(q => q.KnowledgeBaseId == kbId)
            .OrderByDescending(q => q.CreatedAt).ThenBy(q => q.Id).Select(q => View(q)).ToListAsync(ct);
    }

    public async Task<QaPairView> GetAsync(Guid kbId, Guid id, CancellationToken ct) =>
        View(await FindAsync(kbId, id, ct));

    public async Task<QaPairView> CreateAsync(Guid kbId, string? question, string? answer, QaSource source, CancellationToken ct)
    {
        await RequireKnowledgeBaseAsync(kbId, ct);
        var (q, a) = Validate(question, answer);
        var pair = new QaPair
        {
            Id = Guid.CreateVersion7(), TenantId = tenant.RequiredTenantId, KnowledgeBaseId = kbId, Question = q, Answer = a,
            Source = source, CreatedBy = tenant.Actor, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.QaPairs.Add(pair);
        await db.SaveChangesAsync(ct);
        await indexing.IndexAsync(kbId, [pair], ct);
        return View(pair);
    }

    public async Task<QaPairView> UpdateAsync(Guid kbId, Guid id, string? question, string? answer, CancellationToken ct)
    {
        var pair = await FindAsync(kbId, id, ct);
        var (q, a) = Validate(question ?? pair.Question, answer ?? pair.Answer);
        if (q == pair.Question && a == pair.Answer) return View(pair);
        (pair.Question, pair.Answer, pair.UpdatedAt) = (q, a, DateTimeOffset.UtcNow);
        await db.SaveChangesAsync(ct);
        await indexing.IndexAsync(kbId, [pair], ct);
        return View(pair);
    }

    public async Task DeleteAsync(Guid kbId, Guid id, CancellationToken ct)
    {
        var pair = await FindAsync(kbId, id, ct);
        await indexing.RemoveAsync(kbId, id, ct);
        db.QaPairs.Remove(pair);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Imports every valid row in the caller's one transaction; bad rows are reported, not fatal.
    /// A question already in the knowledge base (or earlier in the file), compared trimmed and
    /// case-insensitively, counts as a duplicate and is skipped.
    /// </summary>
    public async Task<QaImportReport> ImportAsync(Guid kbId, byte[] content, CancellationToken ct)
    {
        await RequireKnowledgeBaseAsync(kbId, ct);
        var (rows, rejected) = QaImportParser.Parse(content);
        var seen = (await db.QaPairs.Where(q => q.KnowledgeBaseId == kbId).Select(q => q.Question).ToListAsync(ct))
            .Select(Key).ToHashSet(StringComparer.Ordinal);
        var pairs = new List<QaPair>();
        var duplicates = 0;
        var now = DateTimeOffset.UtcNow;
        foreach (var row in rows)
        {
            if (!seen.Add(Key(row.Question))) { duplicates++; continue; }
            pairs.Add(new QaPair
            {
                Id = Guid.CreateVersion7(), TenantId = tenant.RequiredTenantId, KnowledgeBaseId = kbId, Question = row.Question,
                // A microsecond apart, so listing and export keep the file's order.
                Answer = row.Answer, Source = QaSource.Import, CreatedBy = tenant.Actor, CreatedAt = now.AddTicks(10 * pairs.Count), UpdatedAt = now,
            });
        }
        db.QaPairs.AddRange(pairs);
        await db.SaveChangesAsync(ct);
        foreach (var batch in pairs.Chunk(500)) await indexing.IndexAsync(kbId, batch, ct);
        return new QaImportReport(pairs.Count, rejected.Take(MaxRejectionsReported).ToList(), duplicates);
    }

    public async Task<IReadOnlyList<QaPairView>> ExportAsync(Guid kbId, CancellationToken ct)
    {
        await RequireKnowledgeBaseAsync(kbId, ct);
        return await db.QaPairs.AsNoTracking().Where(q => q.KnowledgeBaseId == kbId)
            .OrderBy(q => q.CreatedAt).ThenBy(q => q.Id).Select(q => View(q)).ToListAsync(ct);
    }

    private async Task<QaPair> FindAsync(Guid kbId, Guid id, CancellationToken ct) =>
        await db.QaPairs.FirstOrDefaultAsync(q => q.Id == id && q.KnowledgeBaseId == kbId, ct)
        ?? throw PortalException.NotFound("The QA pair");

    private async Task RequireKnowledgeBaseAsync(Guid kbId, CancellationToken ct)
    {
        if (!await db.KnowledgeBases.AnyAsync(k => k.Id == kbId, ct)) throw PortalException.NotFound("The knowledge base");
    }

    private static (string Question, string Answer) Validate(string? question, string? answer)
    {
        question = question?.Trim();
        answer = answer?.Trim();
        if (string.IsNullOrEmpty(question) || question.Length > QaImportParser.MaxQuestionLength)
            throw new PortalException("validation", $"question: 1–{QaImportParser.MaxQuestionLength} characters are required.");
        if (string.IsNullOrEmpty(answer) || answer.Length > QaImportParser.MaxAnswerLength)
            throw new PortalException("validation", $"answer: 1–{QaImportParser.MaxAnswerLength} characters are required.");
        return (question, answer);
    }

    private static string Key(string question) => question.Trim().ToLowerInvariant();

    private static QaPairView View(QaPair q) =>
        new(q.Id, q.KnowledgeBaseId, q.Question, q.Answer, q.Source.ToString().ToLowerInvariant(), q.CreatedBy, q.CreatedAt, q.UpdatedAt);
}
