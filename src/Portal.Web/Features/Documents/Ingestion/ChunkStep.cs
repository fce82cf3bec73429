using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Documents;
using Portal.Documents.Chunking;
using Portal.Web.Features.KnowledgeBases;

namespace Portal.Web.Features.Documents.Ingestion;

/// <summary>Cuts the parsed document with its knowledge base's chunking options. Pure apart from reading the options.</summary>
internal sealed class ChunkStep(PortalDbContext db) : IIngestionStep
{
    public string Name => "chunk";
    public DocumentStatus Status => DocumentStatus.Chunking;

    public async Task<StepResult> ExecuteAsync(IngestionContext context, CancellationToken ct)
    {
        var parsed = context.Parsed ?? throw new InvalidOperationException("Chunk runs after Parse.");
        ChunkingOptions options;
        await using (var tx = await db.BeginTenantTransactionAsync(context.TenantId, ct))
        {
            var chunking = await db.KnowledgeBases.Where(k => k.Id == context.KnowledgeBaseId).Select(k => k.Chunking).SingleOrDefaultAsync(ct);
            if (chunking is null) return StepResult.Superseded();
            options = ChunkingSettings.FromStored(chunking);
            await tx.CommitAsync(ct);
        }
        var drafts = Chunker.Chunk(parsed, options);
        if (drafts.Count == 0)
            return StepResult.Fatal("Empty", "The document contains no text that could be read.");
        context.Drafts = drafts;
        return StepResult.Success;
    }
}
