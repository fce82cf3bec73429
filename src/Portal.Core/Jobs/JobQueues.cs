namespace Portal.Jobs;

/// <summary>
/// Every background queue, named in one place. Each job is enqueued with its queue explicitly, so retries and
/// requeues keep it; each node serves the queues it is given (<see cref="JobsOptions.Queues"/>) and no other.
/// </summary>
public static class JobQueues
{
    /// <summary>Document ingestion: parse, chunk, index.</summary>
    public const string Ingest = "ingest";

    /// <summary>The orphan blob sweep, the embedding backfill and the other recurring jobs.</summary>
    public const string Maintenance = "maintenance";

    /// <summary>Fine-tunes and evaluation runs, on nodes with an accelerator (or CPU training where allowed).</summary>
    public const string Gpu = "gpu";

    public static readonly IReadOnlyList<string> All = [Ingest, Maintenance, Gpu];
}
