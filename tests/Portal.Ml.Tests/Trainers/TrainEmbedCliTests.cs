using System.Text.Json;
using Portal.Ml.Cli;
using Portal.Ml.Cli.Training;
using Portal.Ml.Models.HuggingFace;
using Portal.Ml.Search;
using Portal.Ml.Training.Embeddings;

namespace Portal.Ml.Tests.Trainers;

public sealed class TrainEmbedCliTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("portal-train-embed-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData("lora", "adapter_model.safetensors")]
    [InlineData("full", "model.safetensors")]
    public async Task Train_embed_on_a_bert_directory_prints_progress_and_ends_with_a_json_summary(string method, string writtenFile)
    {
        var (passages, questions) = EmbeddingProjectionTests.SyntheticQa();
        var bert = Path.Combine(folder, "base");
        TinyModelFactory.Write(TinyModelFamily.Bert, bert, string.Join('\n', passages.Concat(questions)), new TinyModelOptions { VocabularySize = 400, Seed = 3 });
        var data = Path.Combine(folder, "pairs.jsonl");
        ContrastiveExample.WriteJsonl(data, Enumerable.Range(0, 16).Select(i => new ContrastiveExample(questions[i], [passages[i]], [])));
        var corpus = Path.Combine(folder, "chunks.txt");
        File.WriteAllLines(corpus, passages);
        var mined = Path.Combine(folder, "mined.jsonl");
        var output = new StringWriter();
        var error = new StringWriter();
        EngineTestSetup.Deterministic(1);

        var status = await VerbDispatcher.RunAsync([new TrainEmbedVerb()],
            ["train", "embed", "--base", bert, "--data", data, "--corpus", corpus, "--mined-out", mined, "--out", Path.Combine(folder, "out"),
             "--method", method, "--epochs", "1", "--batch-size", "8", "--max-length", "32", "--negatives", "3"], output, error, CancellationToken.None);

        status.ShouldBe(0, error.ToString());
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldContain(l => l.StartsWith("step 2/2 ") && l.Contains(" loss ") && l.Contains(" lr ") && l.Contains(" tok/s ") && l.Contains(" eta "));
        using var summary = JsonDocument.Parse(lines[^1]);
        summary.RootElement.GetProperty("steps").GetInt64().ShouldBe(2);
        summary.RootElement.GetProperty("final_loss").GetDouble().ShouldBeGreaterThan(0);
        summary.RootElement.GetProperty("seconds").GetDouble().ShouldBeGreaterThan(0);
        summary.RootElement.GetProperty("tokens_per_second").GetDouble().ShouldBeGreaterThan(0);
        File.Exists(Path.Combine(folder, "out", writtenFile)).ShouldBeTrue();
        var served = method == "lora"
            ? new HuggingFaceEmbedderSettings { Path = bert, Adapter = Path.Combine(folder, "out") }
            : new HuggingFaceEmbedderSettings { Path = Path.Combine(folder, "out") };
        using (var embedder = new HuggingFaceEmbedder("out", served))
            lines.ShouldContain(l => l.StartsWith($"embedder id: {embedder.ModelId} "));
        ContrastiveExample.ReadJsonl(mined).ShouldAllBe(e => e.Negatives.Count == 3 && !e.Negatives.Contains(e.Positives[0]));
    }
}
