using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Documents.Ingestion;
using Portal.IntegrationTests.Documents;
using Portal.IntegrationTests.Infrastructure;
using Portal.Tenancy;

namespace Portal.IntegrationTests.Jobs;

/// <summary>A job runs with the tenant it was enqueued for, per transaction, and row-level security holds it there.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class JobTenantContextTests(SharedApp app)
{
    [Fact]
    public async Task An_ingestion_run_for_one_tenant_can_neither_read_nor_change_another_tenants_document()
    {
        var a = await app.RegisterAsync();
        var b = await app.RegisterAsync();
        var kbB = await DocumentApi.CreateKnowledgeBaseAsync(b.Client);
        var docB = (await DocumentApi.UploadOkAsync(b.Client, kbB, ("b.md", Encoding.UTF8.GetBytes("# B\n\nTenant B's own words.\n")))).Single();
        await DocumentApi.WaitAsync(b.Client, [docB.Id], TimeSpan.FromSeconds(60));
        // Put B's document back in the queue under a lease nobody holds, as a crashed run would leave it.
        var version = await app.Database.AdminScalarAsync<int>($"SELECT building_version FROM documents WHERE id = '{docB.Id}'");
        await app.Database.AdminScalarAsync<int>(
            $"UPDATE documents SET status = 'Queued', claimed_by = 'held-by-test', next_attempt_at = now() + interval '1 hour' WHERE id = '{docB.Id}'; SELECT 1");
        await app.Database.AdminScalarAsync<int>("INSERT INTO ingestion_leases (claimant, node) VALUES ('held-by-test', 'test'); SELECT 1");
        var chunksBefore = await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM chunks WHERE document_id = '{docB.Id}'");

        await using (var scope = app.Services.CreateAsyncScope())
        {
            // A run enqueued for tenant A that names B's document.
            var orchestrator = scope.ServiceProvider.GetRequiredService<IngestionOrchestrator>();
            await orchestrator.RunAsync(new IngestionWork(a.TenantId, docB.Id, version), "run-of-a", CancellationToken.None);
            await orchestrator.HandBackUnstartedAsync(new IngestionWork(a.TenantId, docB.Id, version));
        }
        await using (var scope = app.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(a.TenantId, TenantRole.Editor, "system:test");
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            await using var tx = await db.BeginTenantTransactionAsync(a.TenantId, CancellationToken.None);
            (await db.Documents.CountAsync(d => d.Id == docB.Id)).ShouldBe(0);
            (await db.Chunks.CountAsync(c => c.DocumentId == docB.Id)).ShouldBe(0);
        }

        (await app.Database.AdminScalarAsync<string>($"SELECT status || '/' || claimed_by FROM documents WHERE id = '{docB.Id}'"))
            .ShouldBe("Queued/held-by-test");
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM chunks WHERE document_id = '{docB.Id}'")).ShouldBe(chunksBefore);
        await app.Database.AdminScalarAsync<int>(
            $"DELETE FROM ingestion_leases WHERE claimant = 'held-by-test'; UPDATE documents SET next_attempt_at = now() WHERE id = '{docB.Id}'; SELECT 1");
    }
}
