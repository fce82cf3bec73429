using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Portal.IntegrationTests.Documents;

/// <summary>The document API as a test drives it: create a knowledge base, upload files, wait for ingestion.</summary>
internal static class DocumentApi
{
    public static readonly string[] Terminal = ["Indexed", "Failed"];

    public static async Task<Guid> CreateKnowledgeBaseAsync(HttpClient client, object? chunking = null)
    {
        var response = await client.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "KB " + Guid.NewGuid().ToString("N")[..8], chunking });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public static MultipartFormDataContent Files(params (string Name, byte[] Content)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", name);
        }
        return form;
    }

    public static Task<HttpResponseMessage> UploadAsync(HttpClient client, Guid kbId, params (string Name, byte[] Content)[] files) =>
        client.PostAsync($"/api/v1/knowledge-bases/{kbId}/documents", Files(files));

    public static async Task<List<Uploaded>> UploadOkAsync(HttpClient client, Guid kbId, params (string Name, byte[] Content)[] files)
    {
        var response = await UploadAsync(client, kbId, files);
        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(202, body);
        return JsonSerializer.Deserialize<UploadBody>(body, JsonSerializerOptions.Web)!.Documents;
    }

    public static async Task<JsonElement> GetDocumentAsync(HttpClient client, Guid id) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{id}");

    /// <summary>Polls until every document is Indexed or Failed and returns them by id.</summary>
    public static async Task<Dictionary<Guid, JsonElement>> WaitAsync(HttpClient client, IEnumerable<Guid> ids, TimeSpan timeout)
    {
        var pending = ids.ToHashSet();
        var done = new Dictionary<Guid, JsonElement>();
        var deadline = DateTime.UtcNow + timeout;
        while (pending.Count > 0)
        {
            foreach (var id in pending.ToList())
            {
                var document = await GetDocumentAsync(client, id);
                if (!Terminal.Contains(document.GetProperty("status").GetString())) continue;
                done[id] = document;
                pending.Remove(id);
            }
            if (pending.Count == 0) break;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{pending.Count} documents still not finished: " +
                    string.Join(", ", await Task.WhenAll(pending.Select(async p => (await GetDocumentAsync(client, p)).GetRawText()))));
            await Task.Delay(250);
        }
        return done;
    }

    public static async Task<List<JsonElement>> ChunksAsync(HttpClient client, Guid id) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{id}/chunks?take=500")).GetProperty("items").EnumerateArray().ToList();

    public sealed record Uploaded(Guid Id, string Name, string Status, Guid? DuplicateOf);
    private sealed record UploadBody(List<Uploaded> Documents);
}
