using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Portal.IntegrationTests.Documents;
using Portal.IntegrationTests.Infrastructure;
using Portal.Web.Live;

namespace Portal.IntegrationTests.Live;

/// <summary>
/// Live events come from PostgreSQL (triggers and NOTIFY), so a change made by any process reaches every web node,
/// and each node hands a tenant's events to that tenant's subscribers only.
/// </summary>
[Collection(DatabaseCollection.Name)]
public sealed class LiveEventTests(SharedApp app)
{
    [Fact]
    public async Task An_uploaded_document_announces_each_status_to_its_tenant_and_nothing_to_another_tenant()
    {
        var owner = await app.RegisterAsync();
        var stranger = await app.RegisterAsync();
        var relay = app.Services.GetRequiredService<TenantEvents>();
        var mine = new ConcurrentQueue<PortalEvent>();
        var theirs = new ConcurrentQueue<PortalEvent>();
        using var _ = relay.Subscribe(owner.TenantId, e => { mine.Enqueue(e); return Task.CompletedTask; });
        using var __ = relay.Subscribe(stranger.TenantId, e => { theirs.Enqueue(e); return Task.CompletedTask; });
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(owner.Client);

        var uploaded = await DocumentApi.UploadOkAsync(owner.Client, kb, ("notes.txt", Encoding.UTF8.GetBytes("Live pages follow the status.")));
        var id = uploaded.Single().Id;
        await PortalProcess.WaitUntilAsync(() => Task.FromResult(mine.Any(e => e.Id == id && e.Status == "Indexed")), TimeSpan.FromSeconds(60));

        var statuses = mine.Where(e => e.Id == id).Select(e => e.Status).ToList();
        statuses[0].ShouldBe("Queued");
        statuses.ShouldContain("Indexed");
        mine.Where(e => e.Id == id).ShouldAllBe(e => e.Kind == PortalEvent.Document && e.KnowledgeBaseId == kb && e.TenantId == owner.TenantId);
        theirs.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_change_written_by_another_process_reaches_the_tenants_subscribers()
    {
        var owner = await app.RegisterAsync();
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(owner.Client);
        var id = (await DocumentApi.UploadOkAsync(owner.Client, kb, ("other.txt", Encoding.UTF8.GetBytes("Written elsewhere.")))).Single().Id;
        await DocumentApi.WaitAsync(owner.Client, [id], TimeSpan.FromSeconds(60));
        var received = new TaskCompletionSource<PortalEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var _ = app.Services.GetRequiredService<TenantEvents>().Subscribe(owner.TenantId, e =>
        {
            if (e.Id == id && e.Status == "Failed") received.TrySetResult(e);
            return Task.CompletedTask;
        });

        // The superuser's own connection stands in for a worker process: the app did not make this change.
        await app.Database.AdminScalarAsync<int>($"WITH u AS (UPDATE documents SET status = 'Failed' WHERE id = '{id}' RETURNING 1) SELECT count(*)::int FROM u");

        (await received.Task.WaitAsync(TimeSpan.FromSeconds(10))).KnowledgeBaseId.ShouldBe(kb);
    }
}
