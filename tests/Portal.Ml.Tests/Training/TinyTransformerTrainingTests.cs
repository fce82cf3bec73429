using Portal.Ml.Models;
using Portal.Ml.Optim;

namespace Portal.Ml.Tests.Training;

public sealed class TinyTransformerTrainingTests
{
    internal static readonly DecoderConfig TinyConfig = new(VocabularySize: 32, ModelDimension: 32, Heads: 4, Layers: 2, MaxSequenceLength: 16, UseRmsNorm: false);

    /// <summary>Fixed random token sequences the model has to memorise (next-token prediction).</summary>
    internal static (Tensor inputs, Tensor targets) MemorisationBatch()
    {
        var tokens = torch.randint(TinyConfig.VocabularySize, [4, 17]);
        return (tokens.narrow(1, 0, 16).contiguous(), tokens.narrow(1, 1, 16).contiguous());
    }

    [Fact]
    public void A_tiny_transformer_memorises_a_fixed_batch()
    {
        EngineTestSetup.Deterministic(2024);
        using var model = new DecoderLanguageModel(TinyConfig);
        using var data = torch.NewDisposeScope();
        var (inputs, targets) = MemorisationBatch();
        using var optimizer = torch.optim.AdamW(model.parameters(), lr: 3e-3, weight_decay: 0.01);
        var schedule = new LearningRateSchedule(3e-3, WarmupSteps: 20, TotalSteps: 300);

        var losses = new List<double>();
        for (var step = 0; step < 300; step++)
        {
            using var scope = torch.NewDisposeScope();
            schedule.Apply(optimizer, step);
            optimizer.zero_grad();
            var loss = model.Loss(inputs, targets);
            loss.backward();
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
            optimizer.step();
            losses.Add(loss.ToDouble());
        }

        losses[0].ShouldBeGreaterThan(3.0); // ≈ ln 32 at the start
        losses[^1].ShouldBeLessThan(0.1, $"loss went {losses[0]:F3} → {losses[^1]:F3}");
    }
}
