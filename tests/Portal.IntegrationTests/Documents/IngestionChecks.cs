using System.Text.Json;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Documents;

/// <summary>What the crash and shutdown tests assert about documents once ingestion has settled.</summary>
internal static class IngestionChecks
{
    public static bool InFlight(string? status) => status is "Parsing" or "Chunking" or "Indexing";

    public static async Task<List<string?>> StatusesAsync(HttpClient client, IEnumerable<DocumentApi.Uploaded> documents) =>
        [.. await Task.WhenAll(documents.Select(async d => (await DocumentApi.GetDocumentAsync(client, d.Id)).GetProperty("status").GetString()))];

    /// <summary>Every document is Indexed with exactly one version's chunks, each index once, or Failed; at least one is Indexed.</summary>
    public static async Task IndexedExactlyOnceOrFailedAsync(PortalDatabase database, Dictionary<Guid, JsonElement> done)
    {
        foreach (var (id, document) in done)
        {
            var status = document.GetProperty("status").GetString();
            status.ShouldBeOneOf(["Indexed", "Failed"], document.GetRawText());
            if (status != "Indexed") continue;
            var version = document.GetProperty("version").GetInt32();
            var rows = await database.AdminScalarAsync<long>($"SELECT count(*) FROM chunks WHERE document_id = '{id}'");
            rows.ShouldBe(document.GetProperty("chunkCount").GetInt32(), document.GetRawText());
            (await database.AdminScalarAsync<long>($"SELECT count(*) FROM chunks WHERE document_id = '{id}' AND document_version <> {version}")).ShouldBe(0);
            (await database.AdminScalarAsync<long>($"SELECT count(DISTINCT chunk_index) FROM chunks WHERE document_id = '{id}'")).ShouldBe(rows);
        }
        done.Values.Count(d => d.GetProperty("status").GetString() == "Indexed").ShouldBeGreaterThan(0);
    }
}
