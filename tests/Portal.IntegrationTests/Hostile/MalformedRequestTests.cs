using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Portal.IntegrationTests.Infrastructure;
using static Portal.TestSupport.SearchCorpus;

namespace Portal.IntegrationTests.Hostile;

/// <summary>Numbers that are not numbers, bodies cut short, wrong shapes: 400s that say which field, in words.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class MalformedRequestTests(SharedApp app)
{
    [Theory]
    [InlineData("/api/v1/search", """{"query":"vacation","topK":"NaN"}""", "topK")]
    [InlineData("/api/v1/search", """{"query":"vacation","topK":"Infinity"}""", "topK")]
    [InlineData("/api/v1/search", """{"query":"vacation","topK":1e400}""", "topK")]
    [InlineData("/api/v1/search", """{"query":"vacation","topK":99999999999999999999}""", "topK")]
    [InlineData("/api/v1/chat/settings", """{"confidenceThreshold":"NaN"}""", "confidenceThreshold")]
    [InlineData("/api/v1/chat/settings", """{"curatedThreshold":"-Infinity"}""", "curatedThreshold")]
    [InlineData("/api/v1/chat/settings", """{"confidenceThreshold":1e400}""", "confidenceThreshold")]
    [InlineData("/api/v1/knowledge-bases", """{"name":"kb","retrieval":{"vectorWeight":"NaN"}}""", "retrieval.vectorWeight")]
    [InlineData("/api/v1/knowledge-bases", """{"name":"kb","chunking":{"chunkSize":"NaN"}}""", "chunking.chunkSize")]
    [InlineData("/api/v1/knowledge-bases", """{"name":["kb"]}""", "name")]
    [InlineData("/api/v1/knowledge-bases", """{"name":"kb","chunking":7}""", "chunking")]
    public async Task A_value_of_the_wrong_kind_is_a_400_naming_the_field_without_internal_names(string path, string body, string field)
    {
        var owner = await app.RegisterAsync();
        var method = path.EndsWith("settings", StringComparison.Ordinal) ? HttpMethod.Put : HttpMethod.Post;
        var response = await owner.Client.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
        ShouldSayNothingInternal(text);
        var problem = JsonDocument.Parse(text).RootElement;
        problem.GetProperty("type").GetString().ShouldBe("urn:portal:problem:validation");
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("{")]
    [InlineData("{\"name\":\"kb\"")]
    public async Task A_body_of_the_wrong_shape_says_so_without_internal_names(string body)
    {
        var owner = await app.RegisterAsync();
        var response = await owner.Client.PostAsync("/api/v1/knowledge-bases", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
        ShouldSayNothingInternal(text);
    }

    [Fact]
    public async Task A_truncated_multipart_upload_is_a_400()
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
        const string boundary = "----portal-test-boundary";
        var body = $"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello wor";
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");
        var response = await owner.Client.PostAsync($"/api/v1/knowledge-bases/{kb}/documents", content);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
        ShouldSayNothingInternal(text);
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM documents WHERE tenant_id = '{owner.TenantId}'")).ShouldBe(0);
    }

    [Fact]
    public async Task A_multipart_upload_without_a_boundary_is_a_400()
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
        var content = new ByteArrayContent("garbage"u8.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data");
        var response = await owner.Client.PostAsync($"/api/v1/knowledge-bases/{kb}/documents", content);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_path_value_of_the_wrong_kind_says_which_without_internal_names()
    {
        var owner = await app.RegisterAsync();
        var response = await owner.Client.GetAsync("/api/v1/knowledge-bases/00000000-0000-0000-0000-000000000000/documents?skip=abc");
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
        text.ShouldContain("skip");
        ShouldSayNothingInternal(text);
    }

    internal static void ShouldSayNothingInternal(string text)
    {
        text.ShouldNotContain("Portal.");
        text.ShouldNotContain("System.");
        text.ShouldNotContain("Exception");
        text.ShouldNotContain("Int32");
        text.ShouldNotContain("Request\"");
        text.ShouldNotContain("   at ");
        text.ShouldNotContain("LineNumber");
    }
}
