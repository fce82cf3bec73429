using Portal.Ml.Checkpoints;
using Portal.Ml.Models;
using Portal.Ml.Optim;
using Portal.Ml.Tests.Training;

namespace Portal.Ml.Tests.Checkpoints;

public sealed class CheckpointResumeTests : IDisposable
{
    private const int TotalSteps = 30;
    private const int InterruptAt = 15;
    private readonly string folder = Directory.CreateTempSubdirectory("portal-checkpoints-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static readonly LearningRateSchedule Schedule = new(3e-3, WarmupSteps: 5, TotalSteps: TotalSteps);

    private static List<double> Train(DecoderLanguageModel model, AdamW optimizer, Tensor inputs, Tensor targets, long from, long to)
    {
        var losses = new List<double>();
        for (var step = from; step < to; step++)
        {
            using var scope = torch.NewDisposeScope();
            Schedule.Apply(optimizer, step);
            optimizer.zero_grad();
            var loss = model.Loss(inputs, targets);
            loss.backward();
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
            optimizer.step();
            losses.Add(loss.ToDouble());
        }
        return losses;
    }

    [Fact]
    public void Resuming_from_a_checkpoint_reproduces_the_uninterrupted_loss_curve()
    {
        using var data = torch.NewDisposeScope();
        EngineTestSetup.Deterministic(77);
        var (inputs, targets) = TinyTransformerTrainingTests.MemorisationBatch();

        EngineTestSetup.Deterministic(1);
        using var straight = new DecoderLanguageModel(TinyTransformerTrainingTests.TinyConfig);
        using var straightOptimizer = torch.optim.AdamW(straight.parameters(), lr: 3e-3);
        var uninterrupted = Train(straight, straightOptimizer, inputs, targets, 0, TotalSteps);

        EngineTestSetup.Deterministic(1);
        var store = new CheckpointStore(folder);
        using (var first = new DecoderLanguageModel(TinyTransformerTrainingTests.TinyConfig))
        using (var firstOptimizer = torch.optim.AdamW(first.parameters(), lr: 3e-3))
        {
            Train(first, firstOptimizer, inputs, targets, 0, InterruptAt);
            store.Save(InterruptAt, first, firstOptimizer);
        }

        EngineTestSetup.Deterministic(999); // a different initialisation that the checkpoint must overwrite
        using var resumed = new DecoderLanguageModel(TinyTransformerTrainingTests.TinyConfig);
        using var resumedOptimizer = torch.optim.AdamW(resumed.parameters(), lr: 3e-3);
        var step = store.LoadLatest(resumed, resumedOptimizer).ShouldNotBeNull();
        step.ShouldBe(InterruptAt);
        resumedOptimizer.StepCount.ShouldBe(InterruptAt);
        var afterResume = Train(resumed, resumedOptimizer, inputs, targets, step, TotalSteps);

        afterResume.Count.ShouldBe(TotalSteps - InterruptAt);
        for (var i = 0; i < afterResume.Count; i++)
            afterResume[i].ShouldBe(uninterrupted[InterruptAt + i], tolerance: 1e-6, $"step {InterruptAt + i}");
    }

    [Fact]
    public void A_half_written_checkpoint_is_never_loaded()
    {
        using var scope = torch.NewDisposeScope();
        EngineTestSetup.Deterministic(4);
        var store = new CheckpointStore(folder);
        using var model = new DecoderLanguageModel(TinyTransformerTrainingTests.TinyConfig);
        using var optimizer = torch.optim.AdamW(model.parameters());
        var complete = store.Save(5, model, optimizer);

        // a crash after the files were written but before the marker, and one mid-rename
        var unmarked = Path.Combine(folder, "step-00000009");
        Directory.CreateDirectory(unmarked);
        File.Copy(Path.Combine(complete, CheckpointStore.ModelFile), Path.Combine(unmarked, CheckpointStore.ModelFile));
        Directory.CreateDirectory(Path.Combine(folder, ".step-00000012.tmp-abc"));

        store.LatestStep().ShouldBe(5);
        store.LoadLatest(model, optimizer).ShouldBe(5);
    }

    [Fact]
    public void An_empty_store_has_nothing_to_resume()
    {
        using var model = new DecoderLanguageModel(TinyTransformerTrainingTests.TinyConfig);
        using var optimizer = torch.optim.AdamW(model.parameters());

        new CheckpointStore(Path.Combine(folder, "none")).LoadLatest(model, optimizer).ShouldBeNull();
    }
}
