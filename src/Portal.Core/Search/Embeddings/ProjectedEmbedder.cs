using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Text.Json;

namespace Portal.Search.Embeddings;

/// <summary>
/// A tenant's fine-tuned embedder: the base embedder's vector x mapped to normalise(x + U·(Vᵀ·x)),
/// with U and V [d, r] learned by <c>./portal train embed</c> (InfoNCE on the tenant's questions).
/// Its <see cref="ModelId"/> (<c>{base}+proj:{tenant}:{version}</c>) differs from the base's, so a
/// knowledge base that switches to it fills a new vector generation and swaps when that is built.
/// Pure managed arithmetic: the web node needs no libtorch.
/// </summary>
public sealed class ProjectedEmbedder : IEmbedder
{
    private readonly IEmbedder baseEmbedder;
    private readonly float[] u, v; // row-major [d, r]
    private readonly int rank;

    public ProjectedEmbedder(IEmbedder baseEmbedder, string modelId, float[] u, float[] v, int rank)
    {
        if (u.Length != baseEmbedder.Dimensions * rank || v.Length != u.Length)
            throw new ArgumentException($"U and V must be [{baseEmbedder.Dimensions}, {rank}]");
        this.baseEmbedder = baseEmbedder;
        this.u = u;
        this.v = v;
        this.rank = rank;
        ModelId = modelId;
    }

    public string ModelId { get; }
    public int Dimensions => baseEmbedder.Dimensions;

    public async ValueTask<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken ct)
    {
        var vectors = await baseEmbedder.EmbedAsync(texts, ct);
        foreach (var vector in vectors)
            Project(vector);
        return vectors;
    }

    /// <summary>In place: x ← normalise(x + U·(Vᵀ·x)).</summary>
    public void Project(Span<float> x)
    {
        var d = Dimensions;
        Span<float> coefficients = stackalloc float[rank];
        for (var i = 0; i < d; i++)
            if (x[i] != 0)
                TensorPrimitives.MultiplyAdd(v.AsSpan(i * rank, rank), x[i], coefficients, coefficients);
        var original = x.ToArray();
        for (var i = 0; i < d; i++)
            x[i] = original[i] + TensorPrimitives.Dot(u.AsSpan(i * rank, rank), coefficients);
        var norm = TensorPrimitives.Norm(x);
        if (norm > 0) TensorPrimitives.Divide(x, norm, x);
    }

    /// <summary>Every <c>*/projection.json</c> under <paramref name="directory"/> whose base is <paramref name="baseEmbedder"/>.</summary>
    public static IEnumerable<ProjectedEmbedder> LoadAll(string? directory, IEmbedder baseEmbedder)
    {
        if (string.IsNullOrEmpty(directory) || !Directory.Exists(directory))
            yield break;
        foreach (var manifest in Directory.EnumerateFiles(directory, "projection.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var loaded = Load(Path.GetDirectoryName(manifest)!, baseEmbedder);
            if (loaded is not null)
                yield return loaded;
        }
    }

    /// <summary>Loads one projection folder; null when it was trained on another base embedder.</summary>
    public static ProjectedEmbedder? Load(string directory, IEmbedder baseEmbedder)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "projection.json")));
        var root = manifest.RootElement;
        if (root.GetProperty("base_model_id").GetString() != baseEmbedder.ModelId)
            return null;
        var rank = root.GetProperty("rank").GetInt32();
        var tensors = ReadF32SafeTensors(Path.Combine(directory, "projection.safetensors"));
        return new ProjectedEmbedder(baseEmbedder, root.GetProperty("model_id").GetString()!, tensors["U"], tensors["V"], rank);
    }

    /// <summary>The little of safetensors this needs: an 8-byte header length, a JSON header, F32 data.</summary>
    private static Dictionary<string, float[]> ReadF32SafeTensors(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__")
                continue;
            if (entry.Value.GetProperty("dtype").GetString() != "F32")
                throw new InvalidDataException($"{path}: {entry.Name} is not F32");
            var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt32()).ToArray();
            var data = bytes.AsSpan(8 + headerLength + offsets[0], offsets[1] - offsets[0]);
            result[entry.Name] = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(data).ToArray();
        }
        return result;
    }
}
