using Portal.Ml.Embeddings;
using Portal.Ml.Models.HuggingFace;
using Portal.Ml.Onnx;
using Portal.Ml.Search.MiniLm;
using Portal.Ml.Serialization;
using Portal.Ml.Tokenizers;

namespace Portal.Ml.Tests.Onnx;

public sealed class OnnxBertConverterTests
{
    private static readonly string[] Texts =
    [
        "How do I reset my password?",
        "Tickets are sold at the pier kiosk, and the harbour ferry leaves every twenty minutes.",
        "refund",
    ];

    [Fact]
    public void The_converted_bert_directory_embeds_like_onnx_runtime_on_the_same_text()
    {
        var tokenizer = WordPieceTokenizer.FromFile(Path.Combine(MiniLmFixture.Directory, MiniLmModelFiles.VocabularyFile));
        var onnx = new OnnxSentenceEncoder(OnnxSessions.Get(MiniLmFixture.ModelPath), tokenizer, new SentenceEmbedderOptions(), Pooling.Mean);
        using var torchSharp = SentenceEmbedder.Load(MiniLmFixture.BertDirectory);

        var expected = onnx.Embed(Texts);
        var actual = torchSharp.Embed(Texts);

        torchSharp.Pooling.ShouldBe(Pooling.Mean);
        for (var i = 0; i < Texts.Length; i++)
            expected[i].Zip(actual[i], (a, b) => Math.Abs(a - b)).Max().ShouldBeLessThan(1e-4f);
    }

    [Fact]
    public void Linear_weights_are_found_by_the_graph_and_stored_untransposed_under_their_bert_names()
    {
        using var directory = HuggingFaceModelDirectory.Load(MiniLmFixture.BertDirectory);
        var weights = SafeTensors.Load(Path.Combine(MiniLmFixture.BertDirectory, "model.safetensors"));
        try
        {
            var config = directory.RequireEncoder().Config;
            config.HiddenSize.ShouldBe(384);
            config.NumHiddenLayers.ShouldBe(6);
            config.NumAttentionHeads.ShouldBe(12);
            config.IntermediateSize.ShouldBe(1536);
            config.LayerNormEps.ShouldBe(1e-12, 1e-15);
            weights["encoder.layer.0.attention.self.query.weight"].shape.ShouldBe([384L, 384L]);
            weights["encoder.layer.5.intermediate.dense.weight"].shape.ShouldBe([1536L, 384L]);
            weights["encoder.layer.5.output.dense.weight"].shape.ShouldBe([384L, 1536L]);
            weights.Keys.ShouldAllBe(name => !name.All(char.IsAsciiDigit));
            weights.Keys.ShouldContain("pooler.dense.weight");
            weights.Count.ShouldBe(5 + 6 * 16 + 2); // embeddings, six layers, the (unused) pooler
        }
        finally
        {
            foreach (var tensor in weights.Values)
                tensor.Dispose();
        }
    }
}
