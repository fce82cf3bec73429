using System.ComponentModel.DataAnnotations;

namespace Portal.Jobs;

/// <summary>The <c>Jobs</c> section: which queues this node serves, and how Hangfire's storage behaves.</summary>
public sealed class JobsOptions : IValidatableObject
{
    /// <summary>Run a Hangfire server on this node. <c>false</c> makes a web node HTTP-only (it still enqueues).</summary>
    public bool Server { get; set; } = true;

    /// <summary>The queues this node's servers take jobs from, comma-separated (<see cref="JobQueues"/>).</summary>
    public string Queues { get; set; } = $"{JobQueues.Ingest},{JobQueues.Maintenance}";

    /// <summary><see cref="Queues"/> as a list, each queue once.</summary>
    public IReadOnlyList<string> QueueList =>
        [.. Queues.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];

    /// <summary>Workers per queue on this node; a queue not named here gets one (ingest: <c>Ingestion:Jobs:MaxConcurrency</c>).</summary>
    public Dictionary<string, int> Workers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Fallback poll of the queues. Enqueues are announced with NOTIFY (long polling), so an idle worker starts a job
    /// at once; the poll only covers a lost notification.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a fetched job stays invisible to other workers without a heartbeat. The timeout slides while its worker
    /// lives, so a long job never runs twice; a dead worker's job is taken over this long after its last heartbeat.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a stopping server waits for running jobs before it aborts them (they are then requeued).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>Whether this node runs jobs of <paramref name="queue"/>.</summary>
    public bool Serves(string queue) => Server && QueueList.Contains(queue, StringComparer.Ordinal);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var queue in QueueList)
        {
            if (!JobQueues.All.Contains(queue))
                yield return new ValidationResult($"Jobs:Queues names an unknown queue \"{queue}\"; known queues: {string.Join(", ", JobQueues.All)}.");
        }
        foreach (var (queue, count) in Workers)
        {
            if (!JobQueues.All.Contains(queue)) yield return new ValidationResult($"Jobs:Workers names an unknown queue \"{queue}\".");
            if (count is < 1 or > 256) yield return new ValidationResult($"Jobs:Workers:{queue} must be between 1 and 256.");
        }
    }
}
