using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Portal.IntegrationTests.Chat;
using Portal.IntegrationTests.Infrastructure;
using static Portal.TestSupport.SearchCorpus;

namespace Portal.IntegrationTests.Curation;

[Collection(DatabaseCollection.Name)]
public sealed class QaPairApiTests(SharedApp app)
{
    [Fact]
    public async Task Qa_pairs_are_created_edited_and_deleted_and_their_chunk_follows()
    {
        var (owner, kb) = await ArrangeAsync();
        var url = $"/api/v1/knowledge-bases/{kb}/qa-pairs";
        var created = await owner.Client.PostAsJsonAsync(url, new { question = "How do I reset my password?", answer = "Use the link on the sign-in page." });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await ChunkTextAsync(id)).ShouldBe("Q: How do I reset my password?\nA: Use the link on the sign-in page.");
        (await app.Database.AdminScalarAsync<string>($"SELECT d.name || '|' || d.format || '|' || d.status FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.qa_pair_id = '{id}'"))
            .ShouldBe("Curated answers|qa|Indexed");

        (await owner.Client.PutAsJsonAsync($"{url}/{id}", new { answer = "Ask IT on extension 4242." })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ChunkTextAsync(id)).ShouldBe("Q: How do I reset my password?\nA: Ask IT on extension 4242.");
        var search = await owner.Client.PostAsJsonAsync("/api/v1/search", new { query = "extension 4242", knowledgeBaseIds = new[] { kb }, mode = "keyword" });
        (await search.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results")[0].GetProperty("text").GetString()!.ShouldContain("4242");

        (await owner.Client.GetFromJsonAsync<JsonElement>(url)).GetArrayLength().ShouldBe(1);
        (await owner.Client.DeleteAsync($"{url}/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM chunks WHERE knowledge_base_id = '{kb}' AND source_type = 'qa'")).ShouldBe(0);
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM search_keyword_chunks WHERE knowledge_base_id = '{kb}'")).ShouldBe(0);
        (await owner.Client.GetAsync($"{url}/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_question_matching_a_curated_pair_gets_the_curated_answer_with_the_pair_as_citation()
    {
        var (owner, kb) = await ArrangeAsync();
        await AddDocumentAsync(app, owner.TenantId, kb, "it.md", [new("Passwords expire every ninety days and must be reset online.")]);
        var created = await owner.Client.PostAsJsonAsync($"/api/v1/knowledge-bases/{kb}/qa-pairs",
            new { question = "How do I reset my password?", answer = "Use the reset link on the sign-in page." });
        var qaPairId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var answer = await ChatApiTests.AskAsync(owner.Client, new { message = "how do I reset my password", knowledgeBaseIds = new[] { kb } });
        answer.GetProperty("answer").GetString().ShouldBe("Use the reset link on the sign-in page.");
        answer.GetProperty("generator").GetString().ShouldBe("curated");
        var citation = answer.GetProperty("citations").EnumerateArray().Single();
        citation.GetProperty("qaPairId").GetGuid().ShouldBe(qaPairId);
        citation.GetProperty("documentName").GetString().ShouldBe("Curated answers");
        answer.GetProperty("confidence").GetDouble().ShouldBeGreaterThanOrEqualTo(0.8);

        var other = await ChatApiTests.AskAsync(owner.Client, new { message = "When do passwords expire?", knowledgeBaseIds = new[] { kb } });
        other.GetProperty("generator").GetString().ShouldBe("extractive");
    }

    [Fact]
    public async Task Import_reads_all_three_formats_reports_rejections_and_duplicates_and_export_round_trips()
    {
        var (owner, kb) = await ArrangeAsync();
        var url = $"/api/v1/knowledge-bases/{kb}/qa-pairs";
        var jsonl = """
            {"question": "What is PTO?", "answer": "Paid time off."}
            {"instruction": "Define SLA", "input": "", "output": "Service level agreement."}
            {"query": "expense deadline", "pos": ["Expenses are due by the 5th."], "neg": ["Lunch is at noon."]}
            {"question": 7, "answer": "wrong type"}
            {"question": "what is pto?", "answer": "Duplicate in another case."}
            """;
        var report = await ImportAsync(owner.Client, url, new StringContent(jsonl, Encoding.UTF8, "application/x-ndjson"));
        report.GetProperty("imported").GetInt32().ShouldBe(3);
        report.GetProperty("duplicates").GetInt32().ShouldBe(1);
        var rejected = report.GetProperty("rejected").EnumerateArray().Single();
        rejected.GetProperty("line").GetInt32().ShouldBe(4);
        rejected.GetProperty("reason").GetString()!.ShouldContain("must be a string");

        var csv = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes("question,answer\n\"Where, exactly, is parking?\",Behind the office.\n,missing question\n")), "file", "pairs.csv" } };
        var csvReport = await ImportAsync(owner.Client, url, csv);
        csvReport.GetProperty("imported").GetInt32().ShouldBe(1);
        csvReport.GetProperty("rejected")[0].GetProperty("line").GetInt32().ShouldBe(3);

        var fatal = await owner.Client.PostAsync($"{url}/import", new StringContent("q,a\nx,y\n", Encoding.UTF8, "text/csv"));
        fatal.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM qa_pairs WHERE knowledge_base_id = '{kb}'")).ShouldBe(4);

        var export = await owner.Client.GetAsync($"{url}/export");
        export.Content.Headers.ContentType!.MediaType.ShouldBe("application/x-ndjson");
        export.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        var exported = await export.Content.ReadAsStringAsync();
        exported.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(4);

        var (_, copy) = await ArrangeAsync(owner);
        var roundTrip = await ImportAsync(owner.Client, $"/api/v1/knowledge-bases/{copy}/qa-pairs", new StringContent(exported, Encoding.UTF8, "application/x-ndjson"));
        roundTrip.GetProperty("imported").GetInt32().ShouldBe(4);
        (await (await owner.Client.GetAsync($"/api/v1/knowledge-bases/{copy}/qa-pairs/export")).Content.ReadAsStringAsync()).ShouldBe(exported);
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM chunks WHERE knowledge_base_id = '{copy}' AND qa_pair_id IS NOT NULL")).ShouldBe(4);
    }

    [Fact]
    public async Task Viewers_cannot_write_qa_pairs_and_invalid_pairs_name_the_field()
    {
        var (owner, kb) = await ArrangeAsync();
        var response = await owner.Client.PostAsJsonAsync($"/api/v1/knowledge-bases/{kb}/qa-pairs", new { question = "", answer = "x" });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("question", out _).ShouldBeTrue();

        var viewer = await app.RegisterAsync();
        await Invitations.JoinAsync(app, owner, viewer, "Viewer");
        var client = viewer.Client;
        client.DefaultRequestHeaders.Add("X-Tenant-Id", owner.TenantId.ToString());
        (await client.PostAsJsonAsync($"/api/v1/knowledge-bases/{kb}/qa-pairs", new { question = "q", answer = "a" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.GetAsync($"/api/v1/knowledge-bases/{kb}/qa-pairs")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private async Task<(Account Owner, Guid Kb)> ArrangeAsync(Account? owner = null)
    {
        owner ??= await app.RegisterAsync();
        // Named by the whole id: the shared helper's short name can repeat within one tenant.
        var id = Guid.NewGuid();
        await InTenantAsync(app, owner.TenantId, async (db, _) =>
        {
            db.KnowledgeBases.Add(new Portal.Documents.KnowledgeBase { Id = id, TenantId = owner.TenantId, Name = "kb " + id });
            await db.SaveChangesAsync();
        });
        return (owner, id);
    }

    private Task<string> ChunkTextAsync(Guid qaPairId) =>
        app.Database.AdminScalarAsync<string>($"SELECT text FROM chunks WHERE qa_pair_id = '{qaPairId}'");

    private static async Task<JsonElement> ImportAsync(HttpClient client, string url, HttpContent content)
    {
        var response = await client.PostAsync($"{url}/import", content);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement;
    }
}
