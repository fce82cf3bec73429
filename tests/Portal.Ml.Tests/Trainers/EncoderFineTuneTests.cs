using Portal.Ml.Adapters;
using Portal.Ml.Embeddings;
using Portal.Ml.Models.HuggingFace;
using Portal.Ml.Search;
using Portal.Ml.Training.Embeddings;
using Xunit.Abstractions;

namespace Portal.Ml.Tests.Trainers;

/// <summary>
/// A tiny random BERT (its vocabulary taken from the synthetic QA set) fine-tuned on 45 of the 60 questions and
/// judged on the other 15 through the retrieval embedder that serves the result: a full fine-tune's directory, or
/// the base plus the LoRA adapter.
/// </summary>
public sealed class EncoderFineTuneTests : IDisposable
{
    private static readonly List<int> TrainSet = Enumerable.Range(0, 45).ToList();
    private static readonly List<int> HeldOut = Enumerable.Range(45, 15).ToList();

    private readonly ITestOutputHelper output;
    private readonly string folder = Directory.CreateTempSubdirectory("portal-embed-bert-").FullName;
    private readonly List<string> passages, questions;
    private readonly string bert;

    public EncoderFineTuneTests(ITestOutputHelper output)
    {
        this.output = output;
        (passages, questions) = EmbeddingProjectionTests.SyntheticQa();
        bert = Path.Combine(folder, "base");
        TinyModelFactory.Write(TinyModelFamily.Bert, bert, string.Join('\n', passages.Concat(questions)),
            new TinyModelOptions { VocabularySize = 400, Seed = 3, HiddenSize = 64, Layers = 2, Heads = 4, IntermediateSize = 128 });
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private double RecallAt5(HuggingFaceEmbedder embedder)
    {
        var rank = HardNegativeMiner.InMemory(passages, texts => embedder.EmbedAsync(texts, CancellationToken.None).AsTask().Result,
            q => embedder.EmbedQueriesAsync([q], CancellationToken.None).AsTask().Result[0]);
        return HeldOut.Count(i => rank(questions[i], 5).Contains(passages[i])) / (double)HeldOut.Count;
    }

    /// <summary>Training examples with three hard negatives each, mined from ranks 2-200 by the base model.</summary>
    private List<ContrastiveExample> Mined(HuggingFaceEmbedder baseEmbedder)
    {
        var examples = TrainSet.Select(i => new ContrastiveExample(questions[i], [passages[i]], [])).ToList();
        var rank = HardNegativeMiner.InMemory(passages, texts => baseEmbedder.EmbedAsync(texts, CancellationToken.None).AsTask().Result,
            q => baseEmbedder.EmbedQueriesAsync([q], CancellationToken.None).AsTask().Result[0]);
        return new HardNegativeMiner(PerQuery: 3).Mine(examples, rank);
    }

    private (EncoderFineTuneResult result, EncoderContrastiveTrainer trainer, HuggingFaceModelDirectory directory) Train(
        List<ContrastiveExample> examples, EncoderFineTuneOptions options)
    {
        EngineTestSetup.Deterministic(5);
        var directory = HuggingFaceModelDirectory.Load(bert);
        var trainer = new EncoderContrastiveTrainer(directory.RequireEncoder(), directory.Tokenizer, Pooling.Cls);
        return (trainer.Train(examples, options), trainer, directory);
    }

    private static double Mean(IEnumerable<double> values) => values.Average();

    [Fact]
    public void A_full_fine_tune_improves_recall_at_5_on_held_out_questions_and_loads_as_a_model_directory()
    {
        using var baseEmbedder = new HuggingFaceEmbedder("base", new HuggingFaceEmbedderSettings { Path = bert });
        var before = RecallAt5(baseEmbedder);
        var examples = Mined(baseEmbedder);

        var (result, trainer, directory) = Train(examples, new EncoderFineTuneOptions
        {
            Method = EncoderFineTuneMethod.Full, LearningRate = 2e-3, Epochs = 25, BatchSize = 16, NegativesPerQuery = 3, MaxLength = 32,
        });
        var tuned = Path.Combine(folder, "full");
        using (directory)
            EncoderFineTuneOutput.SaveFull(tuned, trainer.Encoder, bert);
        using var served = new HuggingFaceEmbedder("tuned", new HuggingFaceEmbedderSettings { Path = tuned });
        var after = RecallAt5(served);
        output.WriteLine($"full: recall@5 held out {before:P0} → {after:P0}; loss {result.LossCurve[0]:F3} → {result.FinalLoss:F3} in {result.Steps} steps");

        Mean(result.LossCurve.TakeLast(5)).ShouldBeLessThan(Mean(result.LossCurve.Take(5)) * 0.5);
        // The held-out gain of a tiny random BERT depends on the CPU's floating-point kernels: +13 to +30 points were seen
        // across machines with the same seed. Ten points (the base model's own recall is about 7%) still needs real learning.
        after.ShouldBeGreaterThanOrEqualTo(before + 0.1);
        served.ModelId.ShouldNotBe(baseEmbedder.ModelId);
        File.Exists(Path.Combine(tuned, "vocab.txt")).ShouldBeTrue();
        File.Exists(Path.Combine(tuned, "1_Pooling", "config.json")).ShouldBeTrue();
    }

    [Fact]
    public async Task A_lora_fine_tune_improves_recall_at_5_on_held_out_questions_when_served_on_top_of_the_base()
    {
        using var baseEmbedder = new HuggingFaceEmbedder("base", new HuggingFaceEmbedderSettings { Path = bert });
        var before = RecallAt5(baseEmbedder);
        var examples = Mined(baseEmbedder);

        var (result, trainer, directory) = Train(examples, new EncoderFineTuneOptions
        {
            Method = EncoderFineTuneMethod.Lora, LearningRate = 1e-2, Epochs = 25, BatchSize = 16, NegativesPerQuery = 3, MaxLength = 32,
        });
        var adapter = Path.Combine(folder, "lora");
        float[] trained;
        using (directory)
        {
            EncoderFineTuneOutput.SaveAdapter(adapter, trainer.Encoder, bert);
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            trained = trainer.Embed([questions[50]], 32, torch.CPU).embeddings.contiguous().data<float>();
        }
        using var served = new HuggingFaceEmbedder("tuned", new HuggingFaceEmbedderSettings { Path = bert, Adapter = adapter });
        var after = RecallAt5(served);
        output.WriteLine($"lora: recall@5 held out {before:P0} → {after:P0}; loss {result.LossCurve[0]:F3} → {result.FinalLoss:F3} in {result.Steps} steps");

        Mean(result.LossCurve.TakeLast(5)).ShouldBeLessThan(Mean(result.LossCurve.Take(5)) * 0.5);
        after.ShouldBeGreaterThanOrEqualTo(before + 0.3);
        result.TargetModules.Count.ShouldBe(2 * 6); // query, key, value, attention.output.dense, intermediate.dense, output.dense per layer
        served.ModelId.ShouldNotBe(baseEmbedder.ModelId);
        var servedQuestion = (await served.EmbedQueriesAsync([questions[50]], CancellationToken.None))[0];
        servedQuestion.Zip(trained, (a, b) => Math.Abs(a - b)).Max().ShouldBeLessThan(1e-4f);
    }

    [Fact]
    public void A_lora_adapter_is_written_in_peft_format_and_reads_back_unchanged()
    {
        using var baseEmbedder = new HuggingFaceEmbedder("base", new HuggingFaceEmbedderSettings { Path = bert });
        var (_, trainer, directory) = Train(Mined(baseEmbedder).Take(16).ToList(), new EncoderFineTuneOptions
        {
            Method = EncoderFineTuneMethod.Lora, Targets = "query,value", LearningRate = 1e-2, Epochs = 2, BatchSize = 8, MaxLength = 32,
        });
        var adapter = Path.Combine(folder, "lora");
        using (directory)
        {
            EncoderFineTuneOutput.SaveAdapter(adapter, trainer.Encoder, bert);
            using var weights = PeftAdapterFormat.Load(adapter);
            var inMemory = Portal.Ml.Training.Lora.LoraSftTrainer.AdapterParameters(trainer.Encoder.Root);

            weights.Config.Rank.ShouldBe(8);
            weights.Config.Alpha.ShouldBe(16);
            weights.Config.TargetModules.ShouldBe(["query", "value"]);
            weights.Layers.Keys.Order(StringComparer.Ordinal).ShouldBe(["encoder.layer.0.attention.self.query", "encoder.layer.0.attention.self.value",
                "encoder.layer.1.attention.self.query", "encoder.layer.1.attention.self.value"]);
            foreach (var (name, layer) in weights.Layers)
            {
                layer.A.sub(inMemory[name + ".lora_A"]).abs().max().ToDouble().ShouldBe(0);
                layer.B.sub(inMemory[name + ".lora_B"]).abs().max().ToDouble().ShouldBe(0);
            }
            inMemory.Values.Where(t => t.dim() == 2 && t.size(1) == 8).ShouldContain(b => b.abs().max().ToDouble() > 0, "B left zero: nothing trained");
        }
        File.ReadAllText(Path.Combine(adapter, PeftAdapterFormat.ConfigFile)).ShouldContain("\"task_type\": \"FEATURE_EXTRACTION\"");
    }

    [Fact]
    public void A_resumed_lora_run_ends_with_the_adapter_of_an_uninterrupted_one()
    {
        using var baseEmbedder = new HuggingFaceEmbedder("base", new HuggingFaceEmbedderSettings { Path = bert });
        var examples = Mined(baseEmbedder).Take(24).ToList();
        var options = new EncoderFineTuneOptions
        {
            Method = EncoderFineTuneMethod.Lora, LearningRate = 1e-2, Epochs = 2, BatchSize = 4, GradientAccumulation = 2, MaxLength = 32,
            CheckpointDirectory = Path.Combine(folder, "checkpoints"), CheckpointEvery = 1,
        };

        var (whole, wholeTrainer, wholeDirectory) = Train(examples, options with { CheckpointDirectory = Path.Combine(folder, "whole") });
        var (stopped, _, stoppedDirectory) = Train(examples, options with { StopAfterStep = 2 });
        stoppedDirectory.Dispose();
        var (resumed, resumedTrainer, resumedDirectory) = Train(examples, options with { Resume = true });

        using (wholeDirectory)
        using (resumedDirectory)
        {
            stopped.Steps.ShouldBe(2);
            resumed.ResumedFromStep.ShouldBe(2);
            resumed.Steps.ShouldBe(whole.Steps);
            var expected = Portal.Ml.Training.Lora.LoraSftTrainer.AdapterParameters(wholeTrainer.Encoder.Root);
            foreach (var (name, tensor) in Portal.Ml.Training.Lora.LoraSftTrainer.AdapterParameters(resumedTrainer.Encoder.Root))
                tensor.sub(expected[name]).abs().max().ToDouble().ShouldBeLessThan(1e-5, name);
        }
    }

    [Fact]
    public async Task A_full_model_is_written_under_hugging_face_names_with_the_bases_pooler_and_embeds_as_the_model_did()
    {
        // A checkpoint as BertForPreTraining-style exports name it: "bert." prefixes and a pooler.
        var prefixed = Path.Combine(folder, "prefixed");
        Directory.CreateDirectory(prefixed);
        foreach (var file in Directory.EnumerateFiles(bert))
            File.Copy(file, Path.Combine(prefixed, Path.GetFileName(file)));
        using (var scope = torch.NewDisposeScope())
        {
            var tensors = Portal.Ml.Serialization.SafeTensors.Load(Path.Combine(bert, "model.safetensors"))
                .ToDictionary(p => "bert." + p.Key, p => p.Value);
            tensors["bert.pooler.dense.weight"] = torch.ones([64, 64]);
            tensors["bert.pooler.dense.bias"] = torch.zeros([64]);
            Portal.Ml.Serialization.SafeTensors.Save(Path.Combine(prefixed, "model.safetensors"), tensors);
        }
        var written = Path.Combine(folder, "written");
        using (var directory = HuggingFaceModelDirectory.Load(prefixed))
            EncoderFineTuneOutput.SaveFull(written, directory.RequireEncoder(), prefixed);

        using var reader = new Portal.Ml.Serialization.SafeTensorsReader(Path.Combine(written, "model.safetensors"));
        reader.Names.ShouldContain("embeddings.word_embeddings.weight");
        reader.Names.ShouldContain("encoder.layer.1.attention.self.query.weight");
        reader.Names.ShouldContain("pooler.dense.weight");
        reader.Names.ShouldNotContain(n => n.StartsWith("bert.", StringComparison.Ordinal));
        using var original = new HuggingFaceEmbedder("original", new HuggingFaceEmbedderSettings { Path = bert });
        using var copy = new HuggingFaceEmbedder("copy", new HuggingFaceEmbedderSettings { Path = written });
        var expected = (await original.EmbedAsync(passages.Take(4).ToList(), CancellationToken.None)).SelectMany(v => v);
        var actual = (await copy.EmbedAsync(passages.Take(4).ToList(), CancellationToken.None)).SelectMany(v => v);
        actual.Zip(expected, (a, b) => Math.Abs(a - b)).Max().ShouldBeLessThan(1e-6f);
    }
}
