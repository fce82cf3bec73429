using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Portal.IntegrationTests.Infrastructure;
using static Portal.TestSupport.SearchCorpus;

namespace Portal.IntegrationTests.Hostile;

/// <summary>
/// Every JSON field of every endpoint in the OpenAPI document, sent hostile values chosen by FsCheck: the server never
/// answers 5xx (nor an SSE error it did not mean), and a request it refuses leaves every table as it was.
/// </summary>
[Collection(DatabaseCollection.Name)]
public sealed class OpenApiFuzzTests(SharedApp app)
{
    public sealed record FuzzCase(FuzzOperation Operation, string[] Field, string Value)
    {
        public override string ToString() =>
            $"{Operation} field '{(Field.Length == 0 ? "(body)" : string.Join('.', Field))}' = {(Value.Length > 200 ? Value[..200] + "…" : Value)}";
    }

    [Fact]
    public async Task No_hostile_json_value_in_any_field_of_any_endpoint_gets_a_5xx_or_leaves_a_partial_write()
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
        await AddDocumentAsync(app, owner.TenantId, kb, "handbook.md", [new("Employees receive 25 days of paid vacation per year.")]);
        var document = JsonDocument.Parse(await owner.Client.GetStringAsync("/openapi/v1.json")).RootElement;
        var operations = FuzzOperations.From(document, new Dictionary<string, string> { ["kbId"] = kb.ToString() });
        operations.Count.ShouldBeGreaterThan(20, "the document lists the API's JSON endpoints");
        var snapshot = await TenantSnapshot.ForAsync(app.Database, owner.TenantId);

        var cases = from op in Gen.Elements(operations.ToArray())
                    from field in Gen.Elements(op.Fields.ToArray())
                    from value in HostileJson.Values
                    select new FuzzCase(op, field, value);
        var property = Prop.ForAll(Arb.From(cases), c => Task.Run(() => HoldsAsync(owner, snapshot, c)).GetAwaiter().GetResult());
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(400).WithQuietOnSuccess(true), property);
    }

    private static async Task<bool> HoldsAsync(Account owner, TenantSnapshot snapshot, FuzzCase c)
    {
        var before = await snapshot.TakeAsync();
        using var request = new HttpRequestMessage(new HttpMethod(c.Operation.Method), c.Operation.Path)
        {
            Content = new StringContent(Body(c), Encoding.UTF8, "application/json"),
        };
        using var response = await owner.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        if (status >= 500) throw new InvalidOperationException($"{status} for {c}: {text}");
        if (text.Contains("urn:portal:problem:server-error", StringComparison.Ordinal))
            throw new InvalidOperationException($"A server error event for {c}: {text}");
        if (status >= 400 && await snapshot.TakeAsync() is var after && after != before)
            throw new InvalidOperationException($"{status} for {c} but rows changed:\n{before}\n{after}");
        return true;
    }

    private const string Marker = "__fuzz_value__";

    private static string Body(FuzzCase c)
    {
        if (c.Field.Length == 0) return c.Value;
        var body = c.Operation.Baseline.DeepClone().AsObject();
        JsonObject parent = body;
        foreach (var segment in c.Field[..^1]) parent = parent[segment] as JsonObject ?? throw new InvalidOperationException("Field path outside the body.");
        parent[c.Field[^1]] = Marker;
        return body.ToJsonString().Replace($"\"{Marker}\"", c.Value, StringComparison.Ordinal);
    }
}
