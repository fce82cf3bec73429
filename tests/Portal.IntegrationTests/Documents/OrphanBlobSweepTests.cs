using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.IntegrationTests.Infrastructure;
using Portal.Documents.Blobs;

namespace Portal.IntegrationTests.Documents;

/// <summary>
/// The orphan blob sweep deletes only blobs that are past the grace period, referenced by no document of
/// any tenant, and not being uploaded at that moment.
/// </summary>
[Collection(DatabaseCollection.Name)]
public sealed class OrphanBlobSweepTests(SharedApp app)
{
    private static readonly TimeSpan LongAgo = TimeSpan.FromDays(2);

    private IBlobStore Blobs => app.Services.GetRequiredService<IBlobStore>();
    private OrphanBlobSweeper Sweeper => app.Services.GetRequiredService<OrphanBlobSweeper>();

    [Fact]
    public async Task An_old_unreferenced_blob_is_deleted_and_old_referenced_blobs_of_every_tenant_are_kept()
    {
        var a = await app.RegisterAsync();
        var b = await app.RegisterAsync();
        var aDocument = await UploadAsync(a, "kept by a.txt", "Tenant A's document keeps its blob.");
        var bDocument = await UploadAsync(b, "kept by b.txt", "Tenant B's document keeps its blob.");
        var orphan = await PutOrphanAsync(a.TenantId, "bytes whose row never committed");
        var aKey = await BlobKeyAsync(aDocument);
        var bKey = await BlobKeyAsync(bDocument);
        foreach (var key in new[] { orphan, aKey, bKey }) Age(key, LongAgo);

        var result = await Sweeper.SweepAsync(CancellationToken.None);

        (await Blobs.ExistsAsync(orphan, CancellationToken.None)).ShouldBeFalse();
        (await Blobs.ExistsAsync(aKey, CancellationToken.None)).ShouldBeTrue();
        (await Blobs.ExistsAsync(bKey, CancellationToken.None)).ShouldBeTrue("the sweep runs in no tenant, yet must see B's reference");
        result.Deleted.ShouldBeGreaterThanOrEqualTo(1);
        (await a.Client.GetAsync($"/api/v1/documents/{aDocument}/content")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_unreferenced_blob_inside_the_grace_period_is_kept()
    {
        var a = await app.RegisterAsync();
        var recent = await PutOrphanAsync(a.TenantId, "an upload still on its way to the database");
        Age(recent, TimeSpan.FromMinutes(5));

        await Sweeper.SweepAsync(CancellationToken.None);

        (await Blobs.ExistsAsync(recent, CancellationToken.None)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_blob_whose_upload_holds_the_key_lock_is_kept_until_the_upload_ends()
    {
        var a = await app.RegisterAsync();
        var uploading = await PutOrphanAsync(a.TenantId, "an upload that has written its blob but not committed its row");
        Age(uploading, LongAgo);

        await using (var upload = new NpgsqlConnection(app.Database.AppConnectionString))
        {
            await upload.OpenAsync();
            await using var tx = await upload.BeginTransactionAsync();
            await using (var take = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({BlobLocks.LockClass}, hashtext($1))", upload, tx) { Parameters = { new() { Value = uploading } } })
                await take.ExecuteNonQueryAsync();

            var during = await Sweeper.SweepAsync(CancellationToken.None);
            during.Busy.ShouldBeGreaterThanOrEqualTo(1);
            (await Blobs.ExistsAsync(uploading, CancellationToken.None)).ShouldBeTrue();
            await tx.RollbackAsync();
        }

        await Sweeper.SweepAsync(CancellationToken.None);
        (await Blobs.ExistsAsync(uploading, CancellationToken.None)).ShouldBeFalse("the upload rolled back, so the blob is an orphan now");
    }

    [Fact]
    public async Task A_blob_shared_by_two_documents_survives_the_sweep_until_the_last_one_is_deleted()
    {
        var a = await app.RegisterAsync();
        const string text = "The same bytes uploaded to two knowledge bases share one blob.";
        var first = await UploadAsync(a, "first.txt", text);
        var second = await UploadAsync(a, "second.txt", text);
        var key = await BlobKeyAsync(first);
        (await BlobKeyAsync(second)).ShouldBe(key);

        (await a.Client.DeleteAsync($"/api/v1/documents/{first}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        Age(key, LongAgo);
        await Sweeper.SweepAsync(CancellationToken.None);
        (await Blobs.ExistsAsync(key, CancellationToken.None)).ShouldBeTrue();

        (await a.Client.DeleteAsync($"/api/v1/documents/{second}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await Blobs.ExistsAsync(key, CancellationToken.None)).ShouldBeFalse();
    }

    [Fact]
    public async Task Re_uploading_stored_bytes_restarts_the_grace_period()
    {
        var a = await app.RegisterAsync();
        var bytes = Encoding.UTF8.GetBytes("bytes that arrive again " + Guid.NewGuid());
        var orphan = BlobKeys.For(a.TenantId, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        await Blobs.PutAsync(orphan, new MemoryStream(bytes), CancellationToken.None);
        Age(orphan, LongAgo);

        await Blobs.PutAsync(orphan, new MemoryStream(bytes), CancellationToken.None);
        await Sweeper.SweepAsync(CancellationToken.None);

        (await Blobs.ExistsAsync(orphan, CancellationToken.None)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_partial_file_left_by_a_crashed_put_is_removed_once_past_the_grace_period()
    {
        var a = await app.RegisterAsync();
        var shard = Path.Combine(app.BlobRoot, a.TenantId.ToString("D"), "ab");
        Directory.CreateDirectory(shard);
        var crashed = Path.Combine(shard, $".{Guid.NewGuid():N}.tmp");
        var writing = Path.Combine(shard, $".{Guid.NewGuid():N}.tmp");
        await File.WriteAllTextAsync(crashed, "half of an upload");
        await File.WriteAllTextAsync(writing, "an upload being written now");
        File.SetLastWriteTimeUtc(crashed, DateTime.UtcNow - LongAgo);

        var result = await Sweeper.SweepAsync(CancellationToken.None);

        File.Exists(crashed).ShouldBeFalse();
        File.Exists(writing).ShouldBeTrue();
        result.Incomplete.ShouldBeGreaterThanOrEqualTo(1);
        File.Delete(writing);
    }

    private async Task<Guid> UploadAsync(Account owner, string name, string text)
    {
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(owner.Client);
        return (await DocumentApi.UploadOkAsync(owner.Client, kb, (name, Encoding.UTF8.GetBytes(text)))).Single().Id;
    }

    private Task<string> BlobKeyAsync(Guid documentId) =>
        app.Database.AdminScalarAsync<string>($"SELECT blob_key FROM documents WHERE id = '{documentId}'");

    private async Task<string> PutOrphanAsync(Guid tenantId, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text + " " + Guid.NewGuid());
        var key = BlobKeys.For(tenantId, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        await Blobs.PutAsync(key, new MemoryStream(bytes), CancellationToken.None);
        return key;
    }

    private void Age(string key, TimeSpan age) =>
        File.SetLastWriteTimeUtc(Path.Combine(app.BlobRoot, key), DateTime.UtcNow - age);
}
