using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Portal.Web.Features.Documents.Ingestion;

/// <summary>
/// This node's count of ingestion jobs: those running here, and those its dispatch scheduled that have not
/// started yet. A dispatch adds jobs only for free slots (<see cref="IngestionJobOptions.MaxConcurrency"/> minus
/// both), since a running job claims the next queued document itself when it finishes one. A scheduled job
/// that another node fires never starts here; its reservation lapses after <see cref="ReservationLifetime"/>.
/// </summary>
internal sealed class IngestionWorkers(IOptions<IngestionJobOptions> options, TimeProvider time)
{
    public static readonly TimeSpan ReservationLifetime = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, long> _scheduled = new(StringComparer.Ordinal);
    private int _running;

    public int Running => Volatile.Read(ref _running);

    /// <summary>Slots a dispatch on this node may fill with new jobs now.</summary>
    public int Free
    {
        get
        {
            var now = time.GetTimestamp();
            foreach (var (key, at) in _scheduled)
            {
                if (time.GetElapsedTime(at, now) > ReservationLifetime) _scheduled.TryRemove(key, out _);
            }
            return Math.Max(0, options.Value.MaxConcurrency - Running - _scheduled.Count);
        }
    }

    public void Scheduled(string jobName) => _scheduled[jobName] = time.GetTimestamp();

    /// <summary>A job starts running here (its reservation, if this node made one, becomes a running slot).</summary>
    public void Started(string jobName)
    {
        _scheduled.TryRemove(jobName, out _);
        Interlocked.Increment(ref _running);
    }

    /// <summary>
    /// The job found the queue empty and is about to end. A dispatch after this call sees the slot free; the job
    /// claims once more after it, so a document queued between its last claim and this call is never left behind.
    /// </summary>
    public void Leaving() => Interlocked.Decrement(ref _running);

    /// <summary>The job found work on that last claim after all and keeps its slot.</summary>
    public void Staying() => Interlocked.Increment(ref _running);
}
