using System.Text.Json.Nodes;
using Portal.Ml.Models;
using Portal.Ml.Models.HuggingFace;
using Portal.Ml.Tokenizers;

namespace Portal.Ml.Embeddings;

public enum Pooling { Cls, Mean }

public sealed record SentenceEmbedderOptions
{
    /// <summary>Null: read <c>1_Pooling/config.json</c> (sentence-transformers), else CLS.</summary>
    public Pooling? Pooling { get; init; }
    public bool Normalize { get; init; } = true;

    /// <summary>Prepended to queries only, e.g. bge's "Represent this sentence for searching relevant passages: " or "为这个句子生成表示以用于检索相关文章：".</summary>
    public string? QueryInstruction { get; init; }

    /// <summary>Prepended to passages (e5's "passage: ").</summary>
    public string? PassagePrefix { get; init; }
    public int MaxTokens { get; init; } = 512;
    public int BatchSize { get; init; } = 32;
}

/// <summary>
/// Sentence embeddings from a BERT-family encoder (bge, MiniLM, e5): [CLS] text [SEP], batches of similar length
/// (sorted, so little padding), a padding mask, CLS or masked-mean pooling, then L2 normalisation.
/// </summary>
public sealed class SentenceEmbedder : IDisposable
{
    private readonly HuggingFaceModelDirectory? directory;
    private readonly Lock gate = new();

    public SentenceEmbedder(IEncoderModel encoder, ITokenizer tokenizer, SentenceEmbedderOptions options, Pooling pooling)
    {
        Encoder = encoder;
        Tokenizer = tokenizer;
        Options = options;
        Pooling = pooling;
    }

    private SentenceEmbedder(HuggingFaceModelDirectory directory, SentenceEmbedderOptions options, Pooling pooling)
        : this(directory.RequireEncoder(), directory.Tokenizer, options, pooling) => this.directory = directory;

    public static SentenceEmbedder Load(string path, SentenceEmbedderOptions? options = null)
    {
        options ??= new SentenceEmbedderOptions();
        var pooling = options.Pooling ?? PoolingFromDirectory(path) ?? Pooling.Cls;
        return new SentenceEmbedder(HuggingFaceModelDirectory.Load(path), options, pooling);
    }

    /// <summary>sentence-transformers' <c>1_Pooling/config.json</c>: CLS or mean tokens; null when absent.</summary>
    public static Pooling? PoolingFromDirectory(string path)
    {
        var file = Path.Combine(path, "1_Pooling", "config.json");
        if (!File.Exists(file))
            return null;
        var config = JsonNode.Parse(File.ReadAllText(file))?.AsObject();
        if (config?["pooling_mode_cls_token"]?.GetValue<bool>() == true)
            return Embeddings.Pooling.Cls;
        if (config?["pooling_mode_mean_tokens"]?.GetValue<bool>() == true)
            return Embeddings.Pooling.Mean;
        return null;
    }

    public IEncoderModel Encoder { get; }
    public ITokenizer Tokenizer { get; }
    public SentenceEmbedderOptions Options { get; }
    public Pooling Pooling { get; }
    public int Dimensions => Encoder.Config.HiddenSize;

    public float[][] EmbedQueries(IReadOnlyList<string> queries) => Embed(queries.Select(q => Options.QueryInstruction + q).ToList());

    public float[][] EmbedPassages(IReadOnlyList<string> passages) => Embed(passages.Select(p => Options.PassagePrefix + p).ToList());

    /// <summary>One vector per text, in order.</summary>
    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken ct = default)
    {
        var ids = texts.Select(Tokenize).ToList();
        var order = Enumerable.Range(0, ids.Count).OrderBy(i => ids[i].Count).ToList();
        var vectors = new float[texts.Count][];
        for (var start = 0; start < order.Count; start += Options.BatchSize)
        {
            ct.ThrowIfCancellationRequested();
            var batch = order.Skip(start).Take(Options.BatchSize).ToList();
            var embedded = EmbedBatch(batch.Select(i => ids[i]).ToList());
            for (var j = 0; j < batch.Count; j++)
                vectors[batch[j]] = embedded[j];
        }
        return vectors;
    }

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

        lock (gate)
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var ids = torch.tensor(idData, [batch.Count, length]);
            var mask = torch.tensor(maskData, [batch.Count, length]);
            var hidden = Encoder.Forward(ids, mask);
            var pooled = Pooling == Pooling.Cls
                ? hidden.narrow(1, 0, 1).squeeze(1)
                : Mean(hidden, mask);
            if (Options.Normalize)
                pooled = pooled.div(pooled.square().sum(-1, keepdim: true).sqrt().clamp_min(1e-12));
            var flat = pooled.contiguous().data<float>();
            var dims = (int)pooled.size(1);
            return Enumerable.Range(0, batch.Count).Select(r => flat.AsSpan(r * dims, dims).ToArray()).ToArray();
        }
    }

    private static Tensor Mean(Tensor hidden, Tensor mask)
    {
        var weights = mask.to(torch.float32).unsqueeze(-1);
        return hidden.mul(weights).sum(1).div(weights.sum(1).clamp_min(1e-9));
    }

    public void Dispose() => directory?.Dispose();
}
