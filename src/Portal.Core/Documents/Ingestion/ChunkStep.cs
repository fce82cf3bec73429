using Portal.Documents;
using Portal.Documents.Chunking;

namespace Portal.Documents.Ingestion;

/// <summary>Cuts the parsed document with its knowledge base's chunking options (read when the run began). Pure.</summary>
internal sealed class ChunkStep : IIngestionStep
{
    public string Name => "chunk";
    public DocumentStatus Status => DocumentStatus.Chunking;

    public Task<StepResult> ExecuteAsync(IngestionContext context, CancellationToken ct)
    {
        var parsed = context.Parsed ?? throw new InvalidOperationException("Chunk runs after Parse.");
        if (context.Chunking is not { } options) return Task.FromResult(StepResult.Superseded());
        var drafts = Chunker.Chunk(parsed, options);
        if (drafts.Count == 0)
            return Task.FromResult(StepResult.Fatal("Empty", "The document contains no text that could be read."));
        context.Drafts = drafts;
        return Task.FromResult(StepResult.Success);
    }
}
