using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.IntegrationTests.Infrastructure;
using static Portal.TestSupport.SearchCorpus;

namespace Portal.IntegrationTests.Search;

[Collection(DatabaseCollection.Name)]
public sealed class SearchApiTests(SharedApp app)
{
    [Fact]
    public async Task Search_finds_chunks_by_keyword_and_vector_and_reports_each_legs_rank()
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
        await AddDocumentAsync(app, owner.TenantId, kb, "handbook.md",
        [
            new("Employees receive 25 days of paid vacation per year.", Page: 3, Headings: ["Leave", "Vacation"]),
            new("The office opens at nine in the morning."),
            new("员工每年享有二十五天带薪年假。", Language: "zh"),
        ]);

        var response = await owner.Client.PostAsJsonAsync("/api/v1/search", new { query = "paid vacation days", knowledgeBaseIds = new[] { kb }, topK = 2 });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var results = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results");
        results.GetArrayLength().ShouldBeGreaterThan(0);
        var top = results[0];
        top.GetProperty("text").GetString()!.ShouldContain("paid vacation");
        top.GetProperty("documentName").GetString().ShouldBe("handbook.md");
        top.GetProperty("page").GetInt32().ShouldBe(3);
        top.GetProperty("headingPath")[0].GetString().ShouldBe("Leave");
        top.GetProperty("vectorRank").GetInt32().ShouldBe(1);
        top.GetProperty("keywordRank").GetInt32().ShouldBe(1);
        top.GetProperty("matchedTerms").EnumerateArray().Select(t => t.GetString()).ShouldContain("vacation");

        var chinese = await owner.Client.PostAsJsonAsync("/api/v1/search", new { query = "带薪年假", mode = "keyword" });
        (await chinese.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results")[0].GetProperty("text").GetString()!.ShouldContain("年假");
    }

    [Theory]
    [InlineData("""{"query": ""}""", "query")]
    [InlineData("""{"query": "x", "mode": "semantic"}""", "mode")]
    [InlineData("""{"query": "x", "topK": 0}""", "topK")]
    [InlineData("""{"query": "x", "filters": {"pageFrom": 5, "pageTo": 2}}""", "filters.pageTo")]
    public async Task Invalid_search_requests_are_rejected_naming_the_field(string body, string field)
    {
        var owner = await app.RegisterAsync();
        var response = await owner.Client.PostAsync("/api/v1/search", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Another_tenants_knowledge_base_id_is_not_found()
    {
        var a = await app.RegisterAsync();
        var b = await app.RegisterAsync();
        var bKb = await CreateKnowledgeBaseAsync(app, b.TenantId);
        await AddDocumentAsync(app, b.TenantId, bKb, "secret.txt", [new("the secret launch plan")]);
        var response = await a.Client.PostAsJsonAsync("/api/v1/search", new { query = "secret launch plan", knowledgeBaseIds = new[] { bKb } });
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).ShouldNotContain("launch");
    }

    [Fact]
    public async Task Synonyms_expand_business_terms_at_query_time()
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
        await AddDocumentAsync(app, owner.TenantId, kb, "policy.txt", [new("Paid time off accrues monthly."), new("Parking is free.")]);
        var put = await owner.Client.PutAsJsonAsync("/api/v1/synonyms", new { synonyms = new Dictionary<string, string[]> { ["PTO"] = ["paid time off"] } });
        put.StatusCode.ShouldBe(HttpStatusCode.OK);
        var get = await owner.Client.GetFromJsonAsync<JsonElement>("/api/v1/synonyms");
        get.GetProperty("synonyms").GetProperty("pto")[0].GetString().ShouldBe("paid time off");

        var results = (await (await owner.Client.PostAsJsonAsync("/api/v1/search", new { query = "PTO", mode = "keyword" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results");
        results[0].GetProperty("text").GetString().ShouldBe("Paid time off accrues monthly.");
    }

    [Fact]
    public async Task Only_the_active_version_of_a_document_is_searched()
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
        var (doc, _) = await AddDocumentAsync(app, owner.TenantId, kb, "v.txt", [new("obsolete zebra wording")]);
        await app.Database.AdminScalarAsync<int>($"WITH u AS (UPDATE documents SET active_version = 2 WHERE id = '{doc}' RETURNING 1) SELECT count(*)::int FROM u");
        foreach (var mode in new[] { "hybrid", "vector", "keyword" })
        {
            var results = (await (await owner.Client.PostAsJsonAsync("/api/v1/search", new { query = "zebra", mode }))
                .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results");
            results.GetArrayLength().ShouldBe(0, mode);
        }
    }

    [Fact]
    public async Task The_search_page_html_encodes_chunk_text_before_highlighting()
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
        await AddDocumentAsync(app, owner.TenantId, kb, "x.html", [new("<script>alert('pwned')</script> invoice totals")]);
        var html = await owner.Client.GetStringAsync("/search?q=invoice&mode=keyword");
        html.ShouldContain("<mark>invoice</mark>");
        html.ShouldNotContain("<script>alert");
    }
}
