using Portal.Ml.Adapters;

namespace Portal.Ml.Serving;

/// <summary>Names a tenant's adapter version.</summary>
public readonly record struct AdapterKey(string TenantId, string Version)
{
    public override string ToString() => $"{TenantId}/{Version}";
}

/// <summary>
/// An adapter resident in memory, reference-counted: the cache holds one reference while it is
/// cached and every request holds one through its <see cref="AdapterLease"/>. The tensors are freed
/// when the count reaches zero, i.e. after eviction or a version swap *and* the last request.
/// </summary>
public sealed class LoadedAdapter
{
    private readonly AdapterWeights weights;
    private int references = 1;

    internal LoadedAdapter(AdapterKey key, AdapterWeights weights)
    {
        Key = key;
        this.weights = weights;
        Scaling = weights.Config.Scaling;
        ByteCount = weights.ByteCount;
    }

    public AdapterKey Key { get; }
    public double Scaling { get; }
    public long ByteCount { get; }
    public IReadOnlyDictionary<string, LoraLayerWeights> Layers => weights.Layers;

    /// <summary>True once the last reference is gone and the tensors are freed.</summary>
    public bool IsReleased => Volatile.Read(ref references) == 0;

    /// <summary>Only called while the cache still holds its reference (under the registry's lock), so the count is never revived from zero.</summary>
    internal void AddReference() => Interlocked.Increment(ref references);

    internal void Release()
    {
        var remaining = Interlocked.Decrement(ref references);
        if (remaining == 0)
            weights.Dispose();
        else if (remaining < 0)
            throw new InvalidOperationException($"adapter {Key} released more often than acquired");
    }
}

/// <summary>A request's hold on an adapter version (or on none: the base model). Dispose when the request ends.</summary>
public sealed class AdapterLease : IDisposable
{
    private LoadedAdapter? adapter;

    internal AdapterLease(LoadedAdapter? adapter) => this.adapter = adapter;

    public LoadedAdapter? Adapter => adapter;

    public AdapterKey? Key => adapter?.Key;

    public void Dispose() => Interlocked.Exchange(ref adapter, null)?.Release();
}
