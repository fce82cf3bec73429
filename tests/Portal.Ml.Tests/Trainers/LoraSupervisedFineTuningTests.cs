using System.Diagnostics;
using Portal.Ml.Models;
using Portal.Ml.Training;
using Portal.Ml.Training.Lora;
using Xunit.Abstractions;

namespace Portal.Ml.Tests.Trainers;

public sealed class LoraSupervisedFineTuningTests(ITestOutputHelper output) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("portal-sft-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Lora_fine_tuning_teaches_a_random_model_twenty_answers()
    {
        var baseDirectory = TinyChat.SaveRandomBase(folder);
        using var decoder = DecoderModelDirectory.Load(baseDirectory);
        var model = TrainableLanguageModel.From(decoder);
        var pairs = TinyChat.Pairs();
        var before = TinyChat.ExactMatch(model, pairs);

        EngineTestSetup.Deterministic(11);
        var reports = new List<TrainingProgress>();
        var clock = Stopwatch.StartNew();
        var result = new LoraSftTrainer(model, TinyChat.Tokenizer, TinyChat.CompactFormat.Instance)
            .Train(pairs, TinyChat.FastOptions, new SynchronousProgress<TrainingProgress>(reports.Add));
        var after = TinyChat.ExactMatch(model, pairs);
        output.WriteLine($"exact match {before:P0} → {after:P0}; {result.Steps} steps, loss {result.LossCurve[0]:F3} → {result.FinalLoss:F3}, {clock.Elapsed.TotalSeconds:F1}s, {result.TokensPerSecond:F0} tok/s");

        before.ShouldBeLessThanOrEqualTo(0.05);
        after.ShouldBeGreaterThanOrEqualTo(0.9);
        reports.Count.ShouldBe((int)result.Steps);
        reports[^1].Step.ShouldBe(result.Steps);
    }
}

/// <summary>Reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
