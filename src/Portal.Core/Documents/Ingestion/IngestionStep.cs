using Portal.Documents;

namespace Portal.Documents.Ingestion;

internal enum StepOutcome { Success, Transient, Fatal }

/// <summary>What a step says about itself: done, worth retrying later, or never going to work for this file.</summary>
internal sealed record StepResult(StepOutcome Outcome, string? Reason = null, string? Message = null)
{
    public static readonly StepResult Success = new(StepOutcome.Success);
    public static StepResult Transient(string reason, string message) => new(StepOutcome.Transient, reason, message);
    public static StepResult Fatal(string reason, string message) => new(StepOutcome.Fatal, reason, message);

    /// <summary>The document was deleted or a newer version was queued while this run worked; nothing is written.</summary>
    public static StepResult Superseded() => new(StepOutcome.Fatal, SupersededReason, "A newer version of this document is being built.");

    public const string SupersededReason = "Superseded";
}

/// <summary>
/// One named, idempotent stage of ingestion. Running a step twice for the same document version
/// leaves the same state as running it once; each step runs in its own tenant transaction.
/// </summary>
internal interface IIngestionStep
{
    string Name { get; }

    /// <summary>The status a document shows while this step runs.</summary>
    DocumentStatus Status { get; }

    Task<StepResult> ExecuteAsync(IngestionContext context, CancellationToken ct);
}
