using System.Diagnostics;
using Portal.Ml.Embeddings;
using Portal.Ml.Onnx;
using Portal.Ml.Search.MiniLm;
using Portal.Ml.Tokenizers;

/// <summary>
/// The real minilm (all-MiniLM-L6-v2) on ONNX Runtime and on the TorchSharp path (its ONNX weights converted to a
/// BERT directory), the same chunks, ~128 tokens each, batches of 32: chunks/s for both and their largest difference.
/// </summary>
internal static class MiniLmThroughput
{
    internal static void Run(string work, string text, int threads)
    {
        var files = MiniLmModelFiles.Ensure(Path.Combine(work, "models"));
        var bert = Path.Combine(work, "minilm-bert");
        OnnxBertConverter.Convert(Path.Combine(files, MiniLmModelFiles.ModelFile), Path.Combine(files, MiniLmModelFiles.VocabularyFile), bert);
        var chunks = Enumerable.Range(0, 128).Select(i => text.Substring(i * 977 % (text.Length - 700), 600)).ToList();
        var options = new SentenceEmbedderOptions { MaxTokens = 128, BatchSize = 32 };

        var tokenizer = WordPieceTokenizer.FromFile(Path.Combine(files, MiniLmModelFiles.VocabularyFile));
        var onnx = new OnnxSentenceEncoder(OnnxSessions.Get(Path.Combine(files, MiniLmModelFiles.ModelFile), new OnnxOptions { IntraOpThreads = threads }),
            tokenizer, options, Pooling.Mean);
        using var torchSharp = SentenceEmbedder.Load(bert, options);

        var (onnxRate, onnxVectors) = Time(() => onnx.Embed(chunks), chunks.Count);
        var (torchRate, torchVectors) = Time(() => torchSharp.Embed(chunks), chunks.Count);
        var difference = onnxVectors.Zip(torchVectors, (a, b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max()).Max();
        Console.WriteLine($"minilm_onnx_chunks_per_s={onnxRate:F1}");
        Console.WriteLine($"minilm_torchsharp_chunks_per_s={torchRate:F1}");
        Console.WriteLine($"minilm_max_abs_difference={difference:E2}");
    }

    private static (double Rate, float[][] Vectors) Time(Func<float[][]> embed, int count)
    {
        embed();
        var best = double.MaxValue;
        float[][] vectors = [];
        for (var round = 0; round < 2; round++)
        {
            var clock = Stopwatch.StartNew();
            vectors = embed();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return (count / best, vectors);
    }
}
