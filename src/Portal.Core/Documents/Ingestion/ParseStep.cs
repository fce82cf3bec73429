using Portal.Documents;
using Portal.Documents.Parsing;
using Portal.Documents.Blobs;

namespace Portal.Documents.Ingestion;

/// <summary>Copies the original out of the blob store and parses it in the sandboxed child process.</summary>
internal sealed class ParseStep(IBlobStore blobs, IDocumentParser parser) : IIngestionStep
{
    public string Name => "parse";
    public DocumentStatus Status => DocumentStatus.Parsing;

    public async Task<StepResult> ExecuteAsync(IngestionContext context, CancellationToken ct)
    {
        await using (var original = await blobs.OpenAsync(context.BlobKey, ct))
        {
            if (original is null)
                return StepResult.Fatal("BlobMissing", "The uploaded file is no longer stored; upload it again.");
            context.WorkFile ??= Path.Combine(Path.GetTempPath(), $"portal-ingest-{context.DocumentId:N}-{Guid.NewGuid():N}");
            await using var copy = File.Create(context.WorkFile);
            await original.CopyToAsync(copy, ct);
        }
        var outcome = await parser.ParseAsync(context.WorkFile, context.Format, ct);
        if (!outcome.Succeeded)
        {
            var reason = outcome.Failure.Reason.ToString();
            return outcome.Failure.Kind == ParseFailureKind.Transient
                ? StepResult.Transient(reason, outcome.Failure.Message)
                : StepResult.Fatal(reason, outcome.Failure.Message);
        }
        context.Parsed = outcome.Document;
        return StepResult.Success;
    }
}
