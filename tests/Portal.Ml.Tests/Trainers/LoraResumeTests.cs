using Portal.Ml.Models;
using Portal.Ml.Training.Lora;

namespace Portal.Ml.Tests.Trainers;

public sealed class LoraResumeTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("portal-sft-resume-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static LoraSftResult Run(string baseDirectory, LoraSftOptions options)
    {
        using var decoder = DecoderModelDirectory.Load(baseDirectory);
        EngineTestSetup.Deterministic(21);
        return new LoraSftTrainer(TrainableLanguageModel.From(decoder), TinyChat.Tokenizer, TinyChat.CompactFormat.Instance)
            .Train(TinyChat.Pairs(12), options);
    }

    [Fact]
    public void Resuming_lora_training_from_a_checkpoint_reproduces_the_uninterrupted_loss_curve()
    {
        var baseDirectory = TinyChat.SaveRandomBase(folder);
        // Dropout on and a shuffled order each epoch: both must be reproduced after the restart.
        var options = TinyChat.FastOptions with { Epochs = 3, Dropout = 0.1, GradientAccumulation = 2, BatchSize = 2 };
        var straight = Run(baseDirectory, options);

        var checkpoints = Path.Combine(folder, "checkpoints");
        var interrupted = Run(baseDirectory, options with { CheckpointDirectory = checkpoints, CheckpointEvery = 2, StopAfterStep = 4 });
        var resumed = Run(baseDirectory, options with { CheckpointDirectory = checkpoints, CheckpointEvery = 2, Resume = true });

        resumed.ResumedFromStep.ShouldBe(4);
        interrupted.LossCurve.Concat(resumed.LossCurve).ToList().ShouldBe(straight.LossCurve, tolerance: 1e-5);
        resumed.Steps.ShouldBe(straight.Steps);
    }

    [Fact]
    public void Eval_split_holds_out_ten_percent_from_twenty_examples_and_none_below()
    {
        var options = new LoraSftOptions();
        options.EffectiveEvalSplit(20).ShouldBe(0.1);
        options.EffectiveEvalSplit(19).ShouldBe(0);
        var tokenized = Enumerable.Range(0, 20).Select(i => new TokenizedExample([i], [i])).ToList();
        var (train, eval) = LoraSftTrainer.Split(tokenized, 0.1, seed: 1);
        (train.Count, eval.Count).ShouldBe((18, 2));
        train.Intersect(eval).ShouldBeEmpty();
    }

    [Fact]
    public void Prompt_tokens_are_masked_out_of_the_loss()
    {
        var example = SupervisedBatches.Tokenize(new InstructionExample("Zorn?", "", "red"), TinyChat.Tokenizer, TinyChat.CompactFormat.Instance, 64)!;
        var promptLength = TinyChat.Tokenizer.Encode("Q:Zorn?\nA:", addSpecialTokens: true).Count;
        example.Labels.Take(promptLength - 1).ShouldAllBe(l => l == TokenizedExample.IgnoreIndex);
        example.Labels.Skip(promptLength - 1).ShouldBe([(int)'r', (int)'e', (int)'d', Portal.Ml.Tokenizers.ByteTokenizer.Eos]);
    }
}
