using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Portal.Documents.Blobs;

internal sealed class BlobStoreOptions
{
    /// <summary>Directory of the file-system blob store, relative to the working directory unless rooted.</summary>
    [Required]
    public string Root { get; set; } = ".data/blobs";
}

/// <summary>Blobs as files under <see cref="BlobStoreOptions.Root"/>; a put writes a temporary file and renames it into place.</summary>
internal sealed partial class FileSystemBlobStore(IOptions<BlobStoreOptions> options) : IBlobStore
{
    private readonly string _root = Path.GetFullPath(options.Value.Root);

    public async Task PutAsync(string key, Stream content, CancellationToken ct)
    {
        var path = PathOf(key);
        if (File.Exists(path))
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
            return;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await content.CopyToAsync(file, ct);
                await file.FlushAsync(ct);
                file.Flush(flushToDisk: true);
            }
            try { File.Move(temp, path, overwrite: false); }
            catch (IOException) when (File.Exists(path)) { /* the same bytes arrived concurrently */ }
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public Task<Stream?> OpenAsync(string key, CancellationToken ct)
    {
        var path = PathOf(key);
        Stream? stream = File.Exists(path)
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, FileOptions.Asynchronous)
            : null;
        return Task.FromResult(stream);
    }

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        // A blob already gone (or never written, as for curated answers) is deleted as far as anyone can tell.
        try { File.Delete(PathOf(key)); }
        catch (DirectoryNotFoundException) { }
        return Task.CompletedTask;
    }

    public Task<bool> ExistsAsync(string key, CancellationToken ct) => Task.FromResult(File.Exists(PathOf(key)));

    public Task<DateTimeOffset?> LastModifiedAsync(string key, CancellationToken ct)
    {
        var file = new FileInfo(PathOf(key));
        return Task.FromResult(file.Exists ? new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero) : (DateTimeOffset?)null);
    }

    public async IAsyncEnumerable<StoredBlob> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        if (!Directory.Exists(_root)) yield break;
        // Temporary files of puts in progress start with a dot and never match the key shape.
        foreach (var file in new DirectoryInfo(_root).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 2 }))
        {
            ct.ThrowIfCancellationRequested();
            var key = Path.GetRelativePath(_root, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
            if (KeyShape().IsMatch(key)) yield return new StoredBlob(key, new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero));
        }
        await Task.CompletedTask;
    }

    public Task<int> RemoveIncompleteAsync(DateTimeOffset olderThan, CancellationToken ct)
    {
        var removed = 0;
        if (!Directory.Exists(_root)) return Task.FromResult(removed);
        // Names starting with a dot count as hidden on Linux, and hidden files are skipped unless asked for.
        var options = new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 2, AttributesToSkip = 0 };
        foreach (var file in new DirectoryInfo(_root).EnumerateFiles(".*.tmp", options))
        {
            ct.ThrowIfCancellationRequested();
            if (file.LastWriteTimeUtc >= olderThan.UtcDateTime) continue;
            try { file.Delete(); removed++; }
            catch (IOException) { /* gone already */ }
        }
        return Task.FromResult(removed);
    }

    private string PathOf(string key)
    {
        // Keys are built by BlobKeys; anything else (.., absolute paths) is refused rather than resolved.
        if (!KeyShape().IsMatch(key)) throw new ArgumentException("Not a blob key.", nameof(key));
        return Path.Combine(_root, key);
    }

    [GeneratedRegex("^[0-9a-f-]{36}/[0-9a-f]{2}/[0-9a-f]{64}$")]
    private static partial Regex KeyShape();
}
