using Microsoft.Extensions.Logging;
using Portal.Ml.Embeddings;
using Portal.Ml.Onnx;
using Portal.Ml.Tokenizers;
using Portal.Search.Embeddings;

namespace Portal.Ml.Search.MiniLm;

/// <summary>
/// The installed <c>minilm</c> embedder: all-MiniLM-L6-v2 (384 dimensions, mean pooling, English only) on ONNX Runtime,
/// from files that ship with the app. A knowledge base picks it with <c>retrieval: {embedder: "minilm"}</c>; the hashed
/// n-gram embedder stays the default because it treats every language alike. Nothing loads until the first text.
/// </summary>
public sealed class MiniLmEmbedder : IEmbedder
{
    public const string Id = "minilm";

    private readonly Lazy<OnnxSentenceEncoder> encoder;

    public MiniLmEmbedder(string modelsDirectory, OnnxOptions onnx, ILogger logger)
    {
        encoder = new Lazy<OnnxSentenceEncoder>(() =>
        {
            var directory = MiniLmModelFiles.Ensure(modelsDirectory);
            var tokenizer = WordPieceTokenizer.FromFile(Path.Combine(directory, MiniLmModelFiles.VocabularyFile), new WordPieceOptions { LowerCase = true });
            var session = OnnxSessions.Get(Path.Combine(directory, MiniLmModelFiles.ModelFile), onnx, logger);
            return new OnnxSentenceEncoder(session, tokenizer, new SentenceEmbedderOptions { MaxTokens = 256, BatchSize = 32 }, Pooling.Mean);
        }, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string ModelId => Id;

    public int Dimensions => 384;

    public ValueTask<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken ct) =>
        ValueTask.FromResult(encoder.Value.Embed(texts, ct));
}
