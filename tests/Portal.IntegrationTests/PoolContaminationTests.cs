using System.Net;
using System.Net.Http.Json;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests;

/// <summary>
/// With only two pooled connections, thousands of interleaved requests from two tenants, some
/// cancelled and some failing mid-transaction, must never see each other's rows: the tenant is
/// set per transaction, so a reused connection carries nothing over.
/// </summary>
[Collection(DatabaseCollection.Name)]
public sealed class PoolContaminationTests(SharedApp shared)
{
    [Fact]
    public async Task Interleaved_requests_over_a_pool_of_two_only_ever_see_their_own_tenant()
    {
        var pooled = shared.Database.AppConnectionString.Replace("Maximum Pool Size=20", "Maximum Pool Size=2");
        await using var app = new PortalApp(shared.Database, new Dictionary<string, string?> { ["ConnectionStrings:Portal"] = pooled });
        var a = await app.RegisterAsync("Pool A");
        var b = await app.RegisterAsync("Pool B");
        var keyA = await app.CreateSecretKeyAsync(a, "key-of-A");
        var keyB = await app.CreateSecretKeyAsync(b, "key-of-B");
        var tenants = new[] { (Me: a, Key: keyA, Mark: "key-of-A", Other: "key-of-B"), (Me: b, Key: keyB, Mark: "key-of-B", Other: "key-of-A") };

        var checkedResponses = 0;
        var cancelled = 0;
        var failures = new List<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 2400), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var (me, key, mark, other) = tenants[i % 2];
            var client = (i / 2) % 2 == 0 ? app.ClientWithKey(key) : WithToken(app, me);
            using var cts = new CancellationTokenSource();
            if (i % 7 == 0) cts.CancelAfter(TimeSpan.FromMilliseconds(i % 5));
            try
            {
                switch (i % 5)
                {
                    case 0 or 1:
                        var members = await client.GetStringAsync("/api/v1/members", cts.Token);
                        Check(members.Contains(me.Email, StringComparison.Ordinal) && !members.Contains(tenants[(i + 1) % 2].Me.Email, StringComparison.Ordinal), $"members of {mark}: {members}");
                        break;
                    case 2:
                        // Fails inside the tenant transaction (validation after the tenant is set).
                        var bad = await client.PostAsJsonAsync("/api/v1/members", new { email = "not-an-email", role = "Viewer" }, cts.Token);
                        Check(bad.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden, $"bad invite: {bad.StatusCode}");
                        break;
                    case 3:
                        var missing = await client.PatchAsJsonAsync($"/api/v1/members/{Guid.NewGuid()}", new { role = "Viewer" }, cts.Token);
                        Check(missing.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"patch: {missing.StatusCode}");
                        break;
                    default:
                        var me2 = await client.GetStringAsync("/api/v1/me", cts.Token);
                        Check(me2.Contains(me.TenantId.ToString(), StringComparison.Ordinal) && !me2.Contains(other, StringComparison.Ordinal), $"me: {me2}");
                        break;
                }
                Interlocked.Increment(ref checkedResponses);
            }
            catch (OperationCanceledException) { Interlocked.Increment(ref cancelled); }

            void Check(bool ok, string what) { if (!ok) lock (failures) failures.Add(what); }
        });

        failures.ShouldBeEmpty(string.Join("\n", failures.Take(5)));
        checkedResponses.ShouldBeGreaterThan(2000);
        cancelled.ShouldBeGreaterThan(0, "the run should include requests cancelled mid-flight");

        // After the storm, each tenant still reads exactly its own keys through the same two connections.
        foreach (var (me, key, mark, other) in tenants)
        {
            var keys = await WithToken(app, me).GetStringAsync("/api/v1/api-keys");
            keys.ShouldContain(mark);
            keys.ShouldNotContain(other);
        }
    }

    private static HttpClient WithToken(PortalApp app, Account account)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = account.Client.DefaultRequestHeaders.Authorization;
        return client;
    }
}
