using System.Numerics.Tensors;
using Portal.Search.Embeddings;

namespace Portal.Tests.Search;

public sealed class HashedNgramEmbedderTests
{
    [Fact]
    public void The_same_text_always_embeds_to_the_same_vector() =>
        new HashedNgramEmbedder().Embed("Quarterly budget review 季度预算").ShouldBe(new HashedNgramEmbedder().Embed("Quarterly budget review 季度预算"));

    [Theory]
    [InlineData("paid vacation policy")]
    [InlineData("员工带薪年假")]
    [InlineData("x")]
    public void Vectors_are_unit_length(string text) =>
        TensorPrimitives.Norm(new HashedNgramEmbedder().Embed(text)).ShouldBe(1f, 1e-5f);

    [Fact]
    public void Each_weight_set_is_its_own_model_version()
    {
        new HashedNgramEmbedder(384, HashedNgramWeights.V1).ModelId.ShouldBe("hashed-ngram/v1/d384");
        new HashedNgramEmbedder(384, HashedNgramWeights.V1).Embed("合同审批").ShouldNotBe(new HashedNgramEmbedder().Embed("合同审批"));
    }

    [Fact]
    public void Text_without_features_embeds_to_zero() =>
        new HashedNgramEmbedder().Embed("…!?").ShouldAllBe(v => v == 0);

    [Theory]
    [InlineData(64)]
    [InlineData(768)]
    public void Dimensions_are_configurable_and_named_in_the_model_id(int dims)
    {
        var embedder = new HashedNgramEmbedder(dims);
        embedder.Embed("hello").Length.ShouldBe(dims);
        embedder.ModelId.ShouldBe($"hashed-ngram/v2/d{dims}");
    }

    [Fact]
    public void Texts_sharing_words_are_closer_than_unrelated_texts()
    {
        var e = new HashedNgramEmbedder();
        var q = e.Embed("refund policy for invoices");
        TensorPrimitives.CosineSimilarity(q, e.Embed("our invoice refund policy")).ShouldBeGreaterThan(
            TensorPrimitives.CosineSimilarity(q, e.Embed("parking lot opening hours")));
    }

    [Fact]
    public async Task A_batch_embeds_each_text_in_order()
    {
        var e = new HashedNgramEmbedder();
        var batch = await e.EmbedAsync(["one", "two"], CancellationToken.None);
        batch[1].ShouldBe(e.Embed("two"));
    }
}
