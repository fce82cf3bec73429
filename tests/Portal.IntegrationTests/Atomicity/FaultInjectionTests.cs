using Portal.IntegrationTests.Hostile;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Atomicity;

/// <summary>
/// Each write endpoint is run once cleanly, to count its statements and measure what it changes, then once per
/// statement with a fault injected right after that statement. Every faulted run must leave the rows as before, or
/// (when the fault came after the commit) exactly as a clean run does: never in between.
/// </summary>
[Collection(DatabaseCollection.Name)]
public sealed class FaultInjectionTests(SharedApp shared) : IAsyncLifetime
{
    private readonly FaultApp app = new(shared.Database);
    private Account? _owner;

    public async Task InitializeAsync() => _owner = await app.RegisterAsync();
    public async Task DisposeAsync() => await app.DisposeAsync();

    public static TheoryData<string> Scenarios => new(WriteScenarios.All.Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task A_fault_after_any_statement_leaves_the_rows_as_before_or_as_after(string name)
    {
        var scenario = WriteScenarios.All.Single(s => s.Name == name);
        var owner = _owner!;
        var snapshot = await TenantSnapshot.ForAsync(app.Database, owner.TenantId);

        var clean = await scenario.ArrangeAsync(app, owner);
        var cleanBefore = Counts(await snapshot.TakeAsync());
        (await SendAsync(owner, clean, failAfter: 0)).IsSuccessStatusCode.ShouldBeTrue($"{name} succeeds without a fault");
        var statements = app.Faults.LastStatementCount;
        statements.ShouldBeGreaterThan(0);
        var delta = Delta(cleanBefore, Counts(await snapshot.TakeAsync()));
        delta.Values.Any(v => v != 0).ShouldBeTrue($"{name} changes some rows");

        for (var n = 1; n <= statements; n++)
        {
            var request = await scenario.ArrangeAsync(app, owner);
            var before = Counts(await snapshot.TakeAsync());
            await SendAsync(owner, request, failAfter: n);
            app.Faults.LastFired.ShouldBeTrue($"the fault after statement {n} of {statements} fired");
            var change = Delta(before, Counts(await snapshot.TakeAsync()));
            var unchanged = change.Values.All(v => v == 0);
            var complete = change.Count == delta.Count && change.All(c => delta[c.Key] == c.Value);
            (unchanged || complete).ShouldBeTrue(
                $"{name}, fault after statement {n} of {statements}: changed {Describe(change)}; a clean run changes {Describe(delta)}");
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(Account owner, Func<HttpRequestMessage> build, int failAfter)
    {
        using var request = build();
        request.Headers.Add(FaultInjector.Header, failAfter.ToString());
        return await owner.Client.SendAsync(request);
    }

    private static Dictionary<string, long> Counts(string snapshot) =>
        snapshot.Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => long.Parse(p[1]));

    private static Dictionary<string, long> Delta(Dictionary<string, long> before, Dictionary<string, long> after) =>
        after.ToDictionary(a => a.Key, a => a.Value - before.GetValueOrDefault(a.Key));

    private static string Describe(Dictionary<string, long> delta) =>
        string.Join(", ", delta.Where(d => d.Value != 0).Select(d => $"{d.Key} {d.Value:+#;-#}"));
}
