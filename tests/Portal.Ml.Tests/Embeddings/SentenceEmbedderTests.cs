using Portal.Ml.Embeddings;
using Portal.Ml.Models.HuggingFace;
using Portal.Ml.Search;
using Portal.Ml.Tests.Models;

namespace Portal.Ml.Tests.Embeddings;

public sealed class SentenceEmbedderTests
{
    private static string Bert => TinyModels.Directory(TinyModelFamily.Bert);

    private static double MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    [Theory]
    [InlineData(Pooling.Cls)]
    [InlineData(Pooling.Mean)]
    public void Padding_does_not_change_a_texts_vector(Pooling pooling)
    {
        using var embedder = SentenceEmbedder.Load(Bert, new SentenceEmbedderOptions { Pooling = pooling });
        var alone = embedder.Embed(["portal answers"])[0];
        var batched = embedder.Embed(["portal answers", "each tenant's documents stay private and the answer cites its sources 知识库"]);

        MaxDifference(batched[0], alone).ShouldBeLessThan(1e-5);
    }

    [Fact]
    public void Vectors_are_unit_length_and_in_input_order()
    {
        using var embedder = SentenceEmbedder.Load(Bert, new SentenceEmbedderOptions { BatchSize = 2 });
        string[] texts = ["a much longer text about the knowledge base and its documents", "short", "问题", "answer cites"];
        var vectors = embedder.Embed(texts);

        vectors.ShouldAllBe(v => Math.Abs(Math.Sqrt(v.Sum(x => (double)x * x)) - 1) < 1e-5);
        MaxDifference(vectors[1], embedder.Embed(["short"])[0]).ShouldBeLessThan(1e-5);
    }

    [Fact]
    public void Pooling_comes_from_the_sentence_transformers_config_and_the_modes_differ()
    {
        using var configured = SentenceEmbedder.Load(Bert);
        using var mean = SentenceEmbedder.Load(Bert, new SentenceEmbedderOptions { Pooling = Pooling.Mean });

        configured.Pooling.ShouldBe(Pooling.Cls);
        MaxDifference(configured.Embed(["portal answers"])[0], mean.Embed(["portal answers"])[0]).ShouldBeGreaterThan(1e-3);
    }

    [Fact]
    public void The_query_instruction_is_prepended_to_queries_only()
    {
        using var embedder = SentenceEmbedder.Load(Bert, new SentenceEmbedderOptions { QueryInstruction = "answer: " });

        MaxDifference(embedder.EmbedQueries(["portal"])[0], embedder.Embed(["answer: portal"])[0]).ShouldBeLessThan(1e-6);
        MaxDifference(embedder.EmbedPassages(["portal"])[0], embedder.Embed(["portal"])[0]).ShouldBeLessThan(1e-6);
    }

    [Fact]
    public async Task The_retrieval_embedder_names_its_model_and_dimensions()
    {
        using var embedder = new HuggingFaceEmbedder("tiny-bert", new HuggingFaceEmbedderSettings { Path = Bert });

        embedder.ModelId.ShouldStartWith("hf/tiny-bert/");
        embedder.Dimensions.ShouldBe(64);
        (await embedder.EmbedAsync(["portal"], CancellationToken.None))[0].Length.ShouldBe(64);
    }

    [Fact]
    public async Task Through_the_retrieval_interface_the_instruction_goes_to_queries_and_not_to_passages()
    {
        using var concrete = new HuggingFaceEmbedder("tiny-bert", new HuggingFaceEmbedderSettings { Path = Bert, QueryInstruction = "answer: " });
        Portal.Search.Embeddings.IEmbedder embedder = concrete;
        using var reference = SentenceEmbedder.Load(Bert);

        var query = (await embedder.EmbedQueriesAsync(["portal"], CancellationToken.None))[0];
        var passage = (await embedder.EmbedAsync(["portal"], CancellationToken.None))[0];

        MaxDifference(query, reference.Embed(["answer: portal"])[0]).ShouldBeLessThan(1e-6);
        MaxDifference(passage, reference.Embed(["portal"])[0]).ShouldBeLessThan(1e-6);
    }
}
