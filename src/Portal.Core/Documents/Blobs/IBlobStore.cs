namespace Portal.Documents.Blobs;

/// <summary>
/// Where uploaded originals live. Keys are tenant-partitioned and content-addressed
/// (<see cref="BlobKeys.For"/>), so two documents with the same bytes in one tenant share a blob.
/// The file-system store is the default; an S3-compatible store can implement this interface
/// (Put = PutObject after the upload finished, or CopyObject onto itself to refresh an existing one; Open = GetObject;
/// Delete; Exists and LastModified = HeadObject; List = ListObjectsV2).
/// </summary>
internal interface IBlobStore
{
    /// <summary>
    /// Stores the content under the key, atomically: readers see all of it or none. Storing an existing key keeps
    /// its bytes and refreshes its last-modified time, so the orphan sweep's grace period counts from the latest upload.
    /// </summary>
    Task PutAsync(string key, Stream content, CancellationToken ct);

    /// <summary>The content, or null when the key is unknown.</summary>
    Task<Stream?> OpenAsync(string key, CancellationToken ct);

    Task DeleteAsync(string key, CancellationToken ct);

    Task<bool> ExistsAsync(string key, CancellationToken ct);

    /// <summary>When the blob was last written or refreshed, or null when the key is unknown.</summary>
    Task<DateTimeOffset?> LastModifiedAsync(string key, CancellationToken ct);

    /// <summary>Every stored blob of every tenant, in no particular order.</summary>
    IAsyncEnumerable<StoredBlob> ListAsync(CancellationToken ct);

    /// <summary>Removes what puts cut off by a crash left behind (partial temporary files) that is older than the cutoff; returns how many.</summary>
    Task<int> RemoveIncompleteAsync(DateTimeOffset olderThan, CancellationToken ct);
}

internal sealed record StoredBlob(string Key, DateTimeOffset LastModified);

internal static class BlobKeys
{
    /// <summary><c>{tenantId}/{sha256[0..2]}/{sha256}</c>.</summary>
    public static string For(Guid tenantId, string sha256Hex)
    {
        if (sha256Hex.Length != 64 || !sha256Hex.All(char.IsAsciiHexDigitLower))
            throw new ArgumentException("Expected a lowercase SHA-256 hex digest.", nameof(sha256Hex));
        return $"{tenantId:D}/{sha256Hex[..2]}/{sha256Hex}";
    }
}
