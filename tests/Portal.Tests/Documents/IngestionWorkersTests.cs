using Microsoft.Extensions.Options;
using Portal.Web.Features.Documents.Ingestion;

namespace Portal.Tests.Documents;

public sealed class IngestionWorkersTests
{
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks { get; set; }
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Ticks;
        public void Advance(TimeSpan by) => Ticks += by.Ticks;
    }

    private static (IngestionWorkers Workers, ManualClock Clock) Create(int maxConcurrency)
    {
        var clock = new ManualClock();
        return (new IngestionWorkers(Options.Create(new IngestionJobOptions { MaxConcurrency = maxConcurrency }), clock), clock);
    }

    [Fact]
    public void Scheduled_and_running_jobs_both_take_a_slot_and_a_job_that_starts_here_moves_from_one_to_the_other()
    {
        var (workers, _) = Create(maxConcurrency: 3);
        workers.Free.ShouldBe(3);

        workers.Scheduled("a");
        workers.Scheduled("b");
        workers.Free.ShouldBe(1);

        workers.Started("a");
        workers.Running.ShouldBe(1);
        workers.Free.ShouldBe(1);

        workers.Started("recovered-elsewhere"); // fired here without a reservation (recovery, the recurring dispatch)
        workers.Free.ShouldBe(0);

        workers.Leaving();
        workers.Free.ShouldBe(1);
    }

    [Fact]
    public void A_job_that_leaves_and_then_finds_work_takes_its_slot_back()
    {
        var (workers, _) = Create(maxConcurrency: 1);
        workers.Started("a");
        workers.Free.ShouldBe(0);

        workers.Leaving();
        workers.Free.ShouldBe(1); // a nudge now may schedule a job; the leaving job claims once more as well
        workers.Staying();
        workers.Free.ShouldBe(0);
    }

    [Fact]
    public void A_reservation_for_a_job_another_node_fired_lapses()
    {
        var (workers, clock) = Create(maxConcurrency: 2);
        workers.Scheduled("fired-elsewhere");
        workers.Free.ShouldBe(1);

        clock.Advance(IngestionWorkers.ReservationLifetime - TimeSpan.FromSeconds(1));
        workers.Free.ShouldBe(1);
        clock.Advance(TimeSpan.FromSeconds(2));
        workers.Free.ShouldBe(2);
    }

    [Fact]
    public void Free_never_goes_below_zero()
    {
        var (workers, _) = Create(maxConcurrency: 1);
        workers.Started("a");
        workers.Started("b");
        workers.Free.ShouldBe(0);
    }
}
