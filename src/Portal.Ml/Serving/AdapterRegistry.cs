using Portal.Ml.Adapters;

namespace Portal.Ml.Serving;

/// <summary>How many adapters (and bytes of them) stay resident; the least recently used go first.</summary>
public sealed record AdapterCacheOptions
{
    public int MaxAdapters { get; init; } = 16;
    public long MaxBytes { get; init; } = 512L * 1024 * 1024;
}

/// <summary>
/// Tenants' LoRA adapters for one shared base model: which version each tenant has active, and an
/// LRU cache of loaded versions. <see cref="Acquire"/> pins a version for one request;
/// <see cref="Activate"/> swaps a tenant's version atomically — requests already running keep the
/// old one until they finish, new ones get the new one, and the old one is freed after its last
/// request. Adapters live under <c>{root}/{tenant}/{version}/</c> in PEFT format by default.
/// </summary>
public sealed class AdapterRegistry : IDisposable
{
    private readonly Func<AdapterKey, AdapterWeights> load;
    private readonly AdapterCacheOptions options;
    private readonly Lock gate = new();
    private readonly Dictionary<string, string> active = new(StringComparer.Ordinal);
    private readonly Dictionary<AdapterKey, LinkedListNode<LoadedAdapter>> cached = [];
    private readonly LinkedList<LoadedAdapter> recency = new(); // most recently used first
    private long cachedBytes;

    public AdapterRegistry(string root, AdapterCacheOptions? options = null)
        : this(key => PeftAdapterFormat.Load(Path.Combine(root, key.TenantId, key.Version)), options)
    {
    }

    public AdapterRegistry(Func<AdapterKey, AdapterWeights> load, AdapterCacheOptions? options = null)
    {
        this.load = load;
        this.options = options ?? new AdapterCacheOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(this.options.MaxAdapters, 1);
    }

    public int LoadedCount { get { lock (gate) return cached.Count; } }
    public long LoadedBytes { get { lock (gate) return cachedBytes; } }
    public IReadOnlyList<AdapterKey> LoadedKeys { get { lock (gate) return recency.Select(a => a.Key).ToList(); } }

    public string? ActiveVersion(string tenantId)
    {
        lock (gate)
            return active.GetValueOrDefault(tenantId);
    }

    /// <summary>
    /// Makes <paramref name="version"/> the tenant's adapter for new requests. The previous version
    /// leaves the cache now and is freed when its last in-flight request ends.
    /// </summary>
    public void Activate(string tenantId, string version)
    {
        lock (gate)
        {
            var previous = active.GetValueOrDefault(tenantId);
            active[tenantId] = version;
            if (previous is not null && previous != version && cached.TryGetValue(new AdapterKey(tenantId, previous), out var node))
                Evict(node);
        }
    }

    /// <summary>Serves the tenant from the base model only; in-flight requests finish with their adapter.</summary>
    public void Deactivate(string tenantId)
    {
        lock (gate)
            if (active.Remove(tenantId, out var previous) && cached.TryGetValue(new AdapterKey(tenantId, previous), out var node))
                Evict(node);
    }

    /// <summary>
    /// Drops the tenant's cached versions other than <paramref name="keep"/> (null: all of them); each is freed when its
    /// last request ends. For hosts that keep the active version elsewhere (the database) and name it on every request.
    /// </summary>
    public void Retire(string tenantId, string? keep)
    {
        lock (gate)
            foreach (var node in cached.Where(c => c.Key.TenantId == tenantId && c.Key.Version != keep).Select(c => c.Value).ToList())
                Evict(node);
    }

    /// <summary>
    /// Pins the tenant's adapter for one request: <paramref name="version"/> if given, else the active
    /// one; a tenant without an adapter gets a lease on the base model. Loads on a cache miss.
    /// </summary>
    public AdapterLease Acquire(string tenantId, string? version = null)
    {
        lock (gate)
        {
            version ??= active.GetValueOrDefault(tenantId);
            if (version is null)
                return new AdapterLease(null);
            var key = new AdapterKey(tenantId, version);
            if (!cached.TryGetValue(key, out var node))
            {
                // Loading under the lock keeps one copy per version; an adapter is a few MB read from a memory map.
                var adapter = new LoadedAdapter(key, load(key));
                node = recency.AddFirst(adapter);
                cached[key] = node;
                cachedBytes += adapter.ByteCount;
                EnforceBounds(keep: node);
            }
            else
            {
                recency.Remove(node);
                recency.AddFirst(node);
            }
            node.Value.AddReference();
            return new AdapterLease(node.Value);
        }
    }

    private void EnforceBounds(LinkedListNode<LoadedAdapter> keep)
    {
        while ((cached.Count > options.MaxAdapters || cachedBytes > options.MaxBytes) && recency.Last is { } oldest && oldest != keep)
            Evict(oldest);
    }

    private void Evict(LinkedListNode<LoadedAdapter> node)
    {
        recency.Remove(node);
        cached.Remove(node.Value.Key);
        cachedBytes -= node.Value.ByteCount;
        node.Value.Release();
    }

    public void Dispose()
    {
        lock (gate)
            while (recency.First is { } node)
                Evict(node);
    }
}
