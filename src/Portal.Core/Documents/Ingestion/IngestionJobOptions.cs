using System.ComponentModel.DataAnnotations;

namespace Portal.Documents.Ingestion;

/// <summary>How queued documents are dispatched, retried and recovered. Bound from <c>Ingestion:Jobs</c>.</summary>
internal sealed class IngestionJobOptions
{
    /// <summary>
    /// How often a node that serves the ingest queue looks for due documents: retries after their back-off, documents
    /// whose job never started, and documents of a dead node (an upload dispatches at once).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:10:00")]
    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts (first try included) before a transient failure becomes Failed.</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Delay before the second attempt; doubles for each further one.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Documents ingested at once on this node: the workers of its ingest server, and the most jobs one dispatch enqueues.</summary>
    [Range(1, 256)]
    public int MaxConcurrency { get; set; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>
    /// A running job renews its lease every third of this; a document whose job's lease is older (its node died or
    /// hung) is taken over by the next claim anywhere and starts again from the first step.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01.500", "00:10:00")]
    public TimeSpan LeaseTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a stopping node lets running documents finish before it cancels them and hands them back to the
    /// queue. Keep it under the host's shutdown timeout (30 s by default) so the hand-back itself has time to run.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(20);
}
