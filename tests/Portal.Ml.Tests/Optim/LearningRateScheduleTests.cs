using Portal.Ml.Optim;

namespace Portal.Ml.Tests.Optim;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void Warmup_rises_linearly_to_the_peak()
    {
        var schedule = new LearningRateSchedule(1.0, WarmupSteps: 4, TotalSteps: 10);

        Enumerable.Range(0, 4).Select(s => schedule.At(s)).ShouldBe([0.25, 0.5, 0.75, 1.0]);
    }

    [Fact]
    public void Cosine_decay_passes_the_midpoint_and_ends_at_the_minimum()
    {
        var schedule = new LearningRateSchedule(1.0, WarmupSteps: 0, TotalSteps: 100, DecayShape.Cosine, MinLearningRate: 0.1);

        schedule.At(50).ShouldBe(0.55, tolerance: 1e-12);
        schedule.At(100).ShouldBe(0.1, tolerance: 1e-12);
        schedule.At(500).ShouldBe(0.1, tolerance: 1e-12);
    }

    [Fact]
    public void Linear_decay_falls_in_equal_steps()
    {
        var schedule = new LearningRateSchedule(1.0, WarmupSteps: 10, TotalSteps: 20, DecayShape.Linear);

        schedule.At(15).ShouldBe(0.5, tolerance: 1e-12);
        schedule.At(20).ShouldBe(0.0, tolerance: 1e-12);
    }
}
