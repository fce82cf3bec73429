using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Ml.Optim;
using Portal.Ml.Serialization;

namespace Portal.Ml.Training.Embeddings;

public sealed record ContrastiveOptions
{
    /// <summary>InfoNCE temperature: logits are cosine / τ.</summary>
    public double Temperature { get; init; } = 0.02;
    public int Rank { get; init; } = 32;
    public double LearningRate { get; init; } = 5e-3;
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 32;

    /// <summary>Hard negatives per query used in each step (from the example's <c>neg</c> list).</summary>
    public int NegativesPerQuery { get; init; } = 7;
    public int Seed { get; init; } = 42;
}

public sealed record ContrastiveResult(long Steps, double FinalLoss, double Seconds, double TextsPerSecond, IReadOnlyList<double> LossCurve);

/// <summary>
/// Trains a <see cref="LowRankProjection"/> over a fixed embedder with InfoNCE: each query's positive
/// against the batch's other positives (in-batch negatives) and every query's hard negatives.
/// </summary>
public sealed class ProjectionTrainer(Func<string, float[]> baseEmbedding, int dimensions)
{
    private readonly Dictionary<string, float[]> cache = new(StringComparer.Ordinal);

    public (LowRankProjection projection, ContrastiveResult result) Train(IReadOnlyList<ContrastiveExample> examples, ContrastiveOptions options,
        IProgress<TrainingProgress>? progress = null, CancellationToken ct = default)
    {
        var projection = new LowRankProjection(dimensions, options.Rank);
        var stepsPerEpoch = (examples.Count + options.BatchSize - 1) / options.BatchSize;
        var totalSteps = stepsPerEpoch * options.Epochs;
        var schedule = new LearningRateSchedule(options.LearningRate, WarmupSteps: Math.Max(1, totalSteps / 20), TotalSteps: totalSteps);
        using var optimizer = torch.optim.AdamW(projection.parameters(), lr: options.LearningRate, weight_decay: 0);
        var random = new Random(options.Seed);
        var meter = new ThroughputMeter(0, totalSteps);
        var losses = new List<double>();
        long step = 0;
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            var order = Enumerable.Range(0, examples.Count).ToArray();
            random.Shuffle(order);
            foreach (var chunk in order.Chunk(options.BatchSize))
            {
                ct.ThrowIfCancellationRequested();
                using var scope = torch.NewDisposeScope();
                var batch = chunk.Select(i => examples[i]).ToList();
                var queries = batch.Select(e => e.Query).ToList();
                // One sampled positive per query; its position in the candidate list is the label.
                var candidates = batch.Select(e => e.Positives[random.Next(e.Positives.Count)]).ToList();
                foreach (var example in batch)
                    candidates.AddRange(example.Negatives.OrderBy(_ => random.Next()).Take(options.NegativesPerQuery));

                var lr = schedule.Apply(optimizer, step);
                optimizer.zero_grad();
                var q = projection.forward(Embed(queries));
                var c = projection.forward(Embed(candidates));
                var logits = q.matmul(c.t()).div(options.Temperature);
                var loss = torch.nn.functional.cross_entropy(logits, torch.arange(batch.Count));
                loss.backward();
                optimizer.step();
                losses.Add(loss.ToDouble());
                meter.Add(queries.Count + candidates.Count);
                progress?.Report(new TrainingProgress(step + 1, totalSteps, epoch + 1, losses[^1], lr, meter.TokensPerSecond, meter.Eta(step)));
                step++;
            }
        }
        projection.eval();
        return (projection, new ContrastiveResult(step, losses.LastOrDefault(double.NaN), meter.Seconds, meter.TokensPerSecond, losses));
    }

    private Tensor Embed(IReadOnlyList<string> texts)
    {
        var flat = new float[texts.Count * dimensions];
        for (var i = 0; i < texts.Count; i++)
        {
            if (!cache.TryGetValue(texts[i], out var vector))
                cache[texts[i]] = vector = baseEmbedding(texts[i]);
            vector.CopyTo(flat, i * dimensions);
        }
        return torch.tensor(flat, [texts.Count, dimensions]);
    }
}

/// <summary>
/// A trained projection on disk: <c>projection.safetensors</c> (U, V as f32 [d, r]) and
/// <c>projection.json</c>. The retrieval side (<c>ProjectedEmbedder</c>) reads both without libtorch.
/// </summary>
public sealed record ProjectionManifest(
    [property: JsonPropertyName("model_id")] string ModelId,
    [property: JsonPropertyName("base_model_id")] string BaseModelId,
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("dimensions")] int Dimensions,
    [property: JsonPropertyName("rank")] int Rank,
    [property: JsonPropertyName("temperature")] double Temperature,
    [property: JsonPropertyName("steps")] long Steps,
    [property: JsonPropertyName("created_utc")] string CreatedUtc)
{
    public const string ManifestFile = "projection.json";
    public const string WeightsFile = "projection.safetensors";

    /// <summary><c>{base}+proj:{tenant}:{version}</c>, e.g. <c>hashed-ngram/v1/d384+proj:acme:3</c>: a new id, so a new vector generation.</summary>
    public static string ModelIdFor(string baseModelId, string tenantId, string version) => $"{baseModelId}+proj:{tenantId}:{version}";

    public static ProjectionManifest Save(string directory, LowRankProjection projection, string baseModelId, string tenantId, string version,
        ContrastiveOptions options, long steps)
    {
        Directory.CreateDirectory(directory);
        SafeTensors.Save(Path.Combine(directory, WeightsFile), new Dictionary<string, Tensor> { ["U"] = projection.U, ["V"] = projection.V });
        var manifest = new ProjectionManifest(ModelIdFor(baseModelId, tenantId, version), baseModelId, tenantId, version, projection.Dimensions,
            projection.Rank, options.Temperature, steps, DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        File.WriteAllText(Path.Combine(directory, ManifestFile), JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true }));
        return manifest;
    }
}
