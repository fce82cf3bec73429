using Microsoft.ML.OnnxRuntime;
using Portal.Ml.Embeddings;
using Portal.Ml.Tokenizers;

namespace Portal.Ml.Onnx;

/// <summary>
/// Sentence embeddings from a BERT-family encoder exported to ONNX (inputs <c>input_ids</c>, <c>attention_mask</c>,
/// optional <c>token_type_ids</c>; first output the last hidden state). Texts are grouped into length buckets so a
/// batch pads little, then pooled (CLS or masked mean) and L2-normalised, as <see cref="SentenceEmbedder"/> does on TorchSharp.
/// </summary>
public sealed class OnnxSentenceEncoder
{
    private static readonly int[] Buckets = [16, 32, 64, 128, 256, 512];

    private readonly OnnxSession shared;
    private readonly bool hasTokenTypes;
    private readonly string outputName;

    public OnnxSentenceEncoder(OnnxSession session, ITokenizer tokenizer, SentenceEmbedderOptions options, Pooling pooling)
    {
        shared = session;
        Tokenizer = tokenizer;
        Options = options;
        Pooling = pooling;
        hasTokenTypes = session.Session.InputMetadata.ContainsKey("token_type_ids");
        outputName = session.Session.OutputNames[0];
        Dimensions = (int)session.Session.OutputMetadata[outputName].Dimensions[^1];
    }

    public ITokenizer Tokenizer { get; }
    public SentenceEmbedderOptions Options { get; }
    public Pooling Pooling { get; }
    public int Dimensions { get; }
    public string Provider => shared.Provider;

    public float[][] EmbedQueries(IReadOnlyList<string> queries) => Embed(queries.Select(q => Options.QueryInstruction + q).ToList());

    public float[][] EmbedPassages(IReadOnlyList<string> passages) => Embed(passages.Select(p => Options.PassagePrefix + p).ToList());

    /// <summary>One vector per text, in order. Safe to call from many threads at once.</summary>
    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken ct = default)
    {
        var ids = texts.Select(Tokenize).ToList();
        var vectors = new float[texts.Count][];
        foreach (var bucket in Enumerable.Range(0, ids.Count).GroupBy(i => BucketOf(ids[i].Count)).OrderBy(g => g.Key))
        {
            var members = bucket.OrderBy(i => ids[i].Count).ToList();
            for (var start = 0; start < members.Count; start += Options.BatchSize)
            {
                ct.ThrowIfCancellationRequested();
                var batch = members.Skip(start).Take(Options.BatchSize).ToList();
                var embedded = EmbedBatch(batch.Select(i => ids[i]).ToList());
                for (var j = 0; j < batch.Count; j++)
                    vectors[batch[j]] = embedded[j];
            }
        }
        return vectors;
    }

    private static int BucketOf(int length) => Buckets.FirstOrDefault(b => length <= b, length);

    private IReadOnlyList<int> Tokenize(string text)
    {
        var ids = Tokenizer.Encode(text, addSpecialTokens: true);
        if (ids.Count <= Options.MaxTokens)
            return ids;
        return [.. ids.Take(Options.MaxTokens - 1), ids[^1]]; // keep [SEP] last
    }

    private float[][] EmbedBatch(IReadOnlyList<IReadOnlyList<int>> batch)
    {
        var length = batch.Max(b => b.Count);
        var pad = Tokenizer.PadTokenId ?? 0;
        var idData = new long[batch.Count * length];
        var maskData = new long[batch.Count * length];
        for (var row = 0; row < batch.Count; row++)
            for (var t = 0; t < length; t++)
            {
                var real = t < batch[row].Count;
                idData[row * length + t] = real ? batch[row][t] : pad;
                maskData[row * length + t] = real ? 1 : 0;
            }

        long[] shape = [batch.Count, length];
        using var ids = OrtValue.CreateTensorValueFromMemory(idData, shape);
        using var mask = OrtValue.CreateTensorValueFromMemory(maskData, shape);
        using var types = hasTokenTypes ? OrtValue.CreateTensorValueFromMemory(new long[idData.Length], shape) : null;
        var names = hasTokenTypes ? new[] { "input_ids", "attention_mask", "token_type_ids" } : ["input_ids", "attention_mask"];
        var inputs = hasTokenTypes ? new[] { ids, mask, types! } : [ids, mask];
        using var runOptions = new RunOptions();
        using var outputs = shared.Session.Run(runOptions, names, inputs, [outputName]);
        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        return Pool(hidden, maskData, batch.Count, length);
    }

    private float[][] Pool(ReadOnlySpan<float> hidden, long[] mask, int rows, int length)
    {
        var dims = Dimensions;
        var result = new float[rows][];
        for (var row = 0; row < rows; row++)
        {
            var vector = new float[dims];
            if (Pooling == Pooling.Cls)
                hidden.Slice(row * length * dims, dims).CopyTo(vector);
            else
            {
                var count = 0;
                for (var t = 0; t < length; t++)
                {
                    if (mask[row * length + t] == 0)
                        continue;
                    count++;
                    System.Numerics.Tensors.TensorPrimitives.Add(vector, hidden.Slice((row * length + t) * dims, dims), vector);
                }
                System.Numerics.Tensors.TensorPrimitives.Divide(vector, Math.Max(count, 1e-9f), vector);
            }
            if (Options.Normalize)
            {
                var norm = System.Numerics.Tensors.TensorPrimitives.Norm(vector);
                System.Numerics.Tensors.TensorPrimitives.Divide(vector, Math.Max(norm, 1e-12f), vector);
            }
            result[row] = vector;
        }
        return result;
    }
}
