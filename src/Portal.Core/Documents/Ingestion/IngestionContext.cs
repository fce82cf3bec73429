using System.Diagnostics;
using Portal.Documents;
using Portal.Documents.Chunking;
using Portal.Documents.Parsing;

namespace Portal.Documents.Ingestion;

/// <summary>The document a run works on, and what the steps so far produced. Lives for one run, in memory.</summary>
internal sealed class IngestionContext(IngestionWork work, Guid knowledgeBaseId, string name, DocumentFormat format, string blobKey)
    : IDisposable
{
    public IngestionWork Work { get; } = work;
    public Guid TenantId => Work.TenantId;
    public Guid DocumentId => Work.DocumentId;
    public int Version => Work.Version;
    public Guid KnowledgeBaseId { get; } = knowledgeBaseId;
    public string Name { get; } = name;
    public DocumentFormat Format { get; } = format;
    public string BlobKey { get; } = blobKey;

    /// <summary>The knowledge base's chunking options when the run began; null when the knowledge base is gone.</summary>
    public ChunkingOptions? Chunking { get; init; }

    /// <summary>A private copy of the original that the sandboxed parser reads.</summary>
    public string? WorkFile { get; set; }
    public ParsedDocument? Parsed { get; set; }
    public IReadOnlyList<ChunkDraft>? Drafts { get; set; }

    /// <summary>Milliseconds per step, by step name (<c>parse</c>, <c>chunk</c>, <c>index</c>).</summary>
    public Dictionary<string, long> Timings { get; } = [];
    public Stopwatch Total { get; } = Stopwatch.StartNew();

    public void Dispose()
    {
        if (WorkFile is not null && File.Exists(WorkFile)) File.Delete(WorkFile);
    }
}

/// <summary>What a job carries: enough to find the document again with nothing else.</summary>
internal sealed record IngestionWork(Guid TenantId, Guid DocumentId, int Version);
