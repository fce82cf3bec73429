using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Portal.Ml.Adapters;
using Portal.Ml.Embeddings;
using Portal.Ml.Training.Embeddings;
using Portal.Search.Embeddings;

namespace Portal.Ml.Search;

/// <summary>Settings of one <c>Ml:Embedders:{name}</c> entry.</summary>
public sealed record HuggingFaceEmbedderSettings
{
    /// <summary>A local Hugging Face BERT-family directory (config.json, model.safetensors, vocab.txt).</summary>
    public string Path { get; init; } = "";

    /// <summary>A PEFT LoRA adapter directory (adapter_model.safetensors, adapter_config.json) from <c>./portal train embed --method lora</c>, merged into the base on load.</summary>
    public string? Adapter { get; init; }

    /// <summary>cls or mean; empty reads 1_Pooling/config.json, else CLS.</summary>
    public string? Pooling { get; init; }
    public string? QueryInstruction { get; init; }
    public string? PassagePrefix { get; init; }
    public int BatchSize { get; init; } = 32;
    public int MaxTokens { get; init; } = 512;
}

/// <summary>
/// A retrieval <see cref="IEmbedder"/> over a local BERT-family model. The weights load on first use, so a node
/// that never embeds with it never touches libtorch. <see cref="ModelId"/> is <c>hf/{name}/{fingerprint}</c>, the
/// fingerprint hashing config.json and the weights' size and first megabyte (and the adapter's, if any), so new weights mean a new id.
/// </summary>
public sealed class HuggingFaceEmbedder : IEmbedder, IDisposable
{
    private readonly Lazy<SentenceEmbedder> embedder;

    public HuggingFaceEmbedder(string name, HuggingFaceEmbedderSettings settings)
    {
        var config = JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(settings.Path, "config.json")))?.AsObject()
                     ?? throw new InvalidDataException($"{settings.Path}/config.json is not a JSON object");
        Dimensions = config["hidden_size"]?.GetValue<int>() ?? throw new InvalidDataException($"{settings.Path}/config.json has no hidden_size");
        ModelId = $"hf/{name}/{Fingerprint(settings.Path, settings.Adapter)}";
        var options = new SentenceEmbedderOptions
        {
            Pooling = settings.Pooling?.ToLowerInvariant() switch
            {
                null or "" => null,
                "cls" => Pooling.Cls,
                "mean" => Pooling.Mean,
                var other => throw new InvalidDataException($"Ml:Embedders:{name}:Pooling must be cls or mean, not '{other}'"),
            },
            QueryInstruction = settings.QueryInstruction,
            PassagePrefix = settings.PassagePrefix,
            BatchSize = settings.BatchSize,
            MaxTokens = settings.MaxTokens,
        };
        embedder = new Lazy<SentenceEmbedder>(() =>
        {
            var loaded = SentenceEmbedder.Load(settings.Path, options);
            if (!string.IsNullOrEmpty(settings.Adapter))
                EncoderFineTuneOutput.ApplyAdapter(loaded.Encoder, settings.Adapter);
            return loaded;
        }, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string ModelId { get; }
    public int Dimensions { get; }

    /// <summary>Embeds passages (with the passage prefix, if any).</summary>
    public ValueTask<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken ct) =>
        ValueTask.FromResult(embedder.Value.EmbedPassages(texts));

    /// <summary>Embeds search queries with the configured instruction prefix.</summary>
    public ValueTask<float[][]> EmbedQueriesAsync(IReadOnlyList<string> queries, CancellationToken ct) =>
        ValueTask.FromResult(embedder.Value.EmbedQueries(queries));

    public void Dispose()
    {
        if (embedder.IsValueCreated)
            embedder.Value.Dispose();
    }

    private static string Fingerprint(string path, string? adapter)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(File.ReadAllBytes(System.IO.Path.Combine(path, "config.json")));
        var files = Portal.Ml.Models.HuggingFace.HuggingFaceModelDirectory.WeightFiles(path).ToList();
        if (!string.IsNullOrEmpty(adapter))
            files.AddRange([System.IO.Path.Combine(adapter, PeftAdapterFormat.ConfigFile), System.IO.Path.Combine(adapter, PeftAdapterFormat.WeightsFile)]);
        foreach (var file in files)
        {
            using var stream = File.OpenRead(file);
            hash.AppendData(BitConverter.GetBytes(stream.Length));
            var head = new byte[Math.Min(stream.Length, 1 << 20)];
            stream.ReadExactly(head);
            hash.AppendData(head);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
    }
}
