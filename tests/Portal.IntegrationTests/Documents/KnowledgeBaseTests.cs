using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Documents;

[Collection(DatabaseCollection.Name)]
public sealed class KnowledgeBaseTests(SharedApp app)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_knowledge_base_is_created_listed_renamed_and_deleted()
    {
        var owner = await app.RegisterAsync();
        var created = await owner.Client.PostAsJsonAsync("/api/v1/knowledge-bases",
            new { name = "Handbook", chunking = new { strategy = "Recursive", chunkSize = 300, chunkOverlap = 30 } });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var kb = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = kb.GetProperty("id").GetGuid();
        kb.GetProperty("chunking").GetProperty("strategy").GetString().ShouldBe("recursive");
        kb.GetProperty("chunking").GetProperty("chunkSize").GetInt32().ShouldBe(300);

        var list = await owner.Client.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases");
        list.EnumerateArray().Select(k => k.GetProperty("id").GetGuid()).ShouldContain(id);

        var renamed = await owner.Client.PatchAsJsonAsync($"/api/v1/knowledge-bases/{id}", new { name = "Staff handbook" });
        (await renamed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString().ShouldBe("Staff handbook");

        (await owner.Client.DeleteAsync($"/api/v1/knowledge-bases/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await owner.Client.PatchAsJsonAsync($"/api/v1/knowledge-bases/{id}", new { name = "x" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"name":""}""", "name")]
    [InlineData("""{"name":"a","chunking":{"strategy":"sentences"}}""", "strategy")]
    [InlineData("""{"name":"a","chunking":{"chunkSize":8}}""", "chunkSize")]
    [InlineData("""{"name":"a","chunking":{"chunkSize":100,"chunkOverlap":100}}""", "chunkOverlap")]
    public async Task Invalid_names_and_chunking_settings_get_a_400_that_names_the_field(string body, string field)
    {
        var owner = await app.RegisterAsync();
        var response = await owner.Client.PostAsync("/api/v1/knowledge-bases", new StringContent(body, Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain(field);
    }

    [Fact]
    public async Task Retrieval_settings_are_stored_per_knowledge_base_and_a_patch_changes_only_the_fields_it_names()
    {
        var owner = await app.RegisterAsync();
        var created = await owner.Client.PostAsJsonAsync("/api/v1/knowledge-bases",
            new { name = "Tuned", retrieval = new { mode = "keyword", rrfK = 30 } });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var kb = await created.Content.ReadFromJsonAsync<JsonElement>();
        var retrieval = kb.GetProperty("retrieval");
        retrieval.GetProperty("mode").GetString().ShouldBe("keyword");
        retrieval.GetProperty("rrfK").GetInt32().ShouldBe(30);
        retrieval.GetProperty("vectorWeight").GetDouble().ShouldBe(0.05);
        retrieval.GetProperty("embedder").GetString().ShouldStartWith("hashed-ngram/");

        var id = kb.GetProperty("id").GetGuid();
        var patched = await owner.Client.PatchAsJsonAsync($"/api/v1/knowledge-bases/{id}", new { retrieval = new { fusion = "weighted", bm25K1 = 1.5 } });
        patched.StatusCode.ShouldBe(HttpStatusCode.OK);
        var after = (await patched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("retrieval");
        after.GetProperty("fusion").GetString().ShouldBe("weighted");
        after.GetProperty("bm25K1").GetDouble().ShouldBe(1.5);
        after.GetProperty("mode").GetString().ShouldBe("keyword");
        after.GetProperty("rrfK").GetInt32().ShouldBe(30);
        (await app.Database.AdminScalarAsync<string>($"SELECT retrieval->>'fusion' FROM knowledge_bases WHERE id = '{id}'")).ShouldBe("weighted");
    }

    [Theory]
    [InlineData("""{"retrieval":{"mode":"semantic"}}""", "retrieval.mode")]
    [InlineData("""{"retrieval":{"vectorWeight":1.5}}""", "retrieval.vectorWeight")]
    [InlineData("""{"retrieval":{"efSearch":5}}""", "retrieval.efSearch")]
    [InlineData("""{"retrieval":{"embedder":"no-such-model"}}""", "retrieval.embedder")]
    public async Task Invalid_retrieval_settings_get_a_400_that_names_the_field_and_change_nothing(string body, string field)
    {
        var owner = await app.RegisterAsync();
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(owner.Client);
        var before = await app.Database.AdminScalarAsync<string>($"SELECT retrieval::text FROM knowledge_bases WHERE id = '{kb}'");
        var response = await owner.Client.PatchAsync($"/api/v1/knowledge-bases/{kb}", new StringContent(body, Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync()).ShouldContain(field);
        (await app.Database.AdminScalarAsync<string>($"SELECT retrieval::text FROM knowledge_bases WHERE id = '{kb}'")).ShouldBe(before);
    }

    [Fact]
    public async Task Changing_the_embedder_builds_a_new_vector_generation_in_the_background_and_switches_to_it()
    {
        var owner = await app.RegisterAsync();
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(owner.Client);
        var doc = (await DocumentApi.UploadOkAsync(owner.Client, kb, ("ferries.txt",
            Encoding.UTF8.GetBytes("The harbour ferry leaves every twenty minutes.\n\nTickets are sold at the pier kiosk.")))).Single();
        await DocumentApi.WaitAsync(owner.Client, [doc.Id], Timeout);
        var activeSql = $"SELECT model_id FROM search_vector_generations WHERE knowledge_base_id = '{kb}' AND state = 'active'";
        var before = await app.Database.AdminScalarAsync<string>(activeSql);
        var other = before == "hashed-ngram/v1/d384" ? "hashed-ngram/v2/d384" : "hashed-ngram/v1/d384";

        var patched = await owner.Client.PatchAsJsonAsync($"/api/v1/knowledge-bases/{kb}", new { retrieval = new { embedder = other } });
        patched.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await patched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("retrieval").GetProperty("embedder").GetString().ShouldBe(other);

        var deadline = DateTime.UtcNow + Timeout;
        while (await app.Database.AdminScalarAsync<string>(activeSql) != other)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the knowledge base still searches with {before}");
            await Task.Delay(250);
        }
        var search = await owner.Client.PostAsJsonAsync("/api/v1/search", new { query = "harbour ferry", knowledgeBaseIds = new[] { kb }, mode = "vector" });
        var results = (await search.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results");
        results.GetArrayLength().ShouldBeGreaterThan(0);
        results[0].GetProperty("documentId").GetGuid().ShouldBe(doc.Id);
    }

    [Fact]
    public async Task A_viewer_can_list_but_cannot_create_knowledge_bases_or_upload()
    {
        var owner = await app.RegisterAsync();
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(owner.Client);
        var viewer = await app.RegisterAsync();
        await Invitations.JoinAsync(app, owner, viewer, "Viewer");
        viewer.Client.DefaultRequestHeaders.Add("X-Tenant-Id", owner.TenantId.ToString());

        (await viewer.Client.GetAsync("/api/v1/knowledge-bases")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await viewer.Client.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "nope" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var upload = await DocumentApi.UploadAsync(viewer.Client, kb, ("a.txt", Encoding.UTF8.GetBytes("hello viewer")));
        upload.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM documents WHERE knowledge_base_id = '{kb}'")).ShouldBe(0);
    }

    [Fact]
    public async Task Changing_chunking_builds_a_new_version_and_switches_to_it_leaving_no_old_chunks()
    {
        var owner = await app.RegisterAsync();
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(owner.Client, new { strategy = "fixed", chunkSize = 400, chunkOverlap = 0 });
        var text = string.Join("\n\n", Enumerable.Range(0, 30).Select(i => $"Paragraph {i} talks about topic {i} in a few plain words."));
        var doc = (await DocumentApi.UploadOkAsync(owner.Client, kb, ("long.txt", Encoding.UTF8.GetBytes(text)))).Single();
        var first = (await DocumentApi.WaitAsync(owner.Client, [doc.Id], Timeout))[doc.Id];
        first.GetProperty("version").GetInt32().ShouldBe(1);
        var before = first.GetProperty("chunkCount").GetInt32();

        var patch = await owner.Client.PatchAsJsonAsync($"/api/v1/knowledge-bases/{kb}", new { chunking = new { chunkSize = 32, chunkOverlap = 0 } });
        patch.StatusCode.ShouldBe(HttpStatusCode.OK);
        // Until the switch, search keeps the complete old version.
        var during = await DocumentApi.GetDocumentAsync(owner.Client, doc.Id);
        if (during.GetProperty("status").GetString() != "Indexed")
            (await DocumentApi.ChunksAsync(owner.Client, doc.Id)).Count.ShouldBeOneOf(before, (await DocumentApi.GetDocumentAsync(owner.Client, doc.Id)).GetProperty("chunkCount").GetInt32());

        var second = await WaitForVersionAsync(owner.Client, doc.Id, 2);
        second.GetProperty("chunkCount").GetInt32().ShouldBeGreaterThan(before);
        (await DocumentApi.ChunksAsync(owner.Client, doc.Id)).Count.ShouldBe(second.GetProperty("chunkCount").GetInt32());
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM chunks WHERE document_id = '{doc.Id}' AND document_version <> 2")).ShouldBe(0);
        (await app.Database.AdminScalarAsync<long>($"SELECT count(DISTINCT chunk_index) - count(*) FROM chunks WHERE document_id = '{doc.Id}'")).ShouldBe(0);
    }

    [Fact]
    public async Task Deleting_a_document_removes_its_chunks_and_its_blob()
    {
        var owner = await app.RegisterAsync();
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(owner.Client);
        var doc = (await DocumentApi.UploadOkAsync(owner.Client, kb, ("gone.md", Encoding.UTF8.GetBytes("# Gone\n\nSoon deleted.\n")))).Single();
        await DocumentApi.WaitAsync(owner.Client, [doc.Id], Timeout);
        var blobs = Directory.GetFiles(Path.Combine(app.BlobRoot, owner.TenantId.ToString()), "*", SearchOption.AllDirectories);
        blobs.Length.ShouldBe(1);
        (await owner.Client.GetByteArrayAsync($"/api/v1/documents/{doc.Id}/content")).ShouldBe(Encoding.UTF8.GetBytes("# Gone\n\nSoon deleted.\n"));

        (await owner.Client.DeleteAsync($"/api/v1/documents/{doc.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await owner.Client.GetAsync($"/api/v1/documents/{doc.Id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM chunks WHERE document_id = '{doc.Id}'")).ShouldBe(0);
        File.Exists(blobs[0]).ShouldBeFalse();
    }

    [Fact]
    public async Task The_original_is_downloaded_as_an_attachment_that_browsers_do_not_sniff()
    {
        var owner = await app.RegisterAsync();
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(owner.Client);
        var doc = (await DocumentApi.UploadOkAsync(owner.Client, kb, ("..\\..\\evil name.html", Encoding.UTF8.GetBytes("<html><body><p>hi</p></body></html>")))).Single();
        var response = await owner.Client.GetAsync($"/api/v1/documents/{doc.Id}/content");
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/octet-stream");
        response.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        response.Content.Headers.ContentDisposition.ToString().ShouldNotContain("..");
        response.Headers.GetValues("X-Content-Type-Options").ShouldContain("nosniff");
    }

    [Fact]
    public async Task The_openapi_document_describes_the_knowledge_base_and_document_endpoints_and_the_multipart_upload()
    {
        var json = await app.CreateClient().GetStringAsync("/openapi/v1.json");
        foreach (var path in new[] { "/api/v1/knowledge-bases", "/api/v1/knowledge-bases/{kbId}", "/api/v1/knowledge-bases/{kbId}/documents",
                     "/api/v1/documents/{id}", "/api/v1/documents/{id}/chunks", "/api/v1/documents/{id}/content" })
            json.ShouldContain($"\"{path}\"");
        json.ShouldContain("multipart/form-data");
        json.ShouldContain("UploadResult");
    }

    private static async Task<JsonElement> WaitForVersionAsync(HttpClient client, Guid id, int version)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var document = await DocumentApi.GetDocumentAsync(client, id);
            if (document.GetProperty("status").GetString() == "Indexed" && document.GetProperty("version").GetInt32() == version) return document;
            if (DateTime.UtcNow > deadline) throw new TimeoutException(document.GetRawText());
            await Task.Delay(250);
        }
    }
}
