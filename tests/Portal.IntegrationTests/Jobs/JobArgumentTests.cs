using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Portal.IntegrationTests.Documents;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Jobs;

/// <summary>Hangfire's tables hold ids only: no document text, answer, key or personal data of a full run.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class JobArgumentTests(SharedApp app)
{
    [Fact]
    public async Task After_a_full_run_the_job_tables_hold_none_of_the_tenants_texts_keys_or_emails()
    {
        var secret = "zebracorn-" + Guid.NewGuid().ToString("N")[..10];
        var owner = await app.RegisterAsync(email: $"{secret}@example.test");
        var key = await app.CreateSecretKeyAsync(owner, name: $"key {secret}");
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(owner.Client);
        var uploaded = await DocumentApi.UploadOkAsync(owner.Client, kb,
            ("secret.md", Encoding.UTF8.GetBytes($"# Vault\n\nThe vault phrase is {secret} and only staff know it.\n")),
            ("scan.pdf", PdfSamples.ScannedPdf($"Scanned {secret} page")));
        await DocumentApi.WaitAsync(owner.Client, uploaded.Select(u => u.Id), TimeSpan.FromSeconds(90));
        (await owner.Client.PostAsJsonAsync($"/api/v1/knowledge-bases/{kb}/qa-pairs",
            new { question = $"What is the {secret} vault?", answer = $"It opens with {secret}." })).EnsureSuccessStatusCode();
        (await app.ClientWithKey(key).PostAsJsonAsync("/api/v1/chat", new { message = $"Tell me about {secret}" })).EnsureSuccessStatusCode();
        // A changed embedder enqueues the backfill job, which runs on the maintenance queue.
        var activeSql = $"SELECT model_id FROM search_vector_generations WHERE knowledge_base_id = '{kb}' AND state = 'active'";
        var other = await app.Database.AdminScalarAsync<string>(activeSql) == "hashed-ngram/v1/d384" ? "hashed-ngram/v2/d384" : "hashed-ngram/v1/d384";
        (await owner.Client.PatchAsJsonAsync($"/api/v1/knowledge-bases/{kb}", new { retrieval = new { embedder = other } }))
            .EnsureSuccessStatusCode();
        await PortalProcess.WaitUntilAsync(async () => await app.Database.AdminScalarAsync<string>(activeSql) == other, TimeSpan.FromSeconds(60));
        (await app.Database.AdminScalarAsync<long>(
            "SELECT count(*) FROM hangfire.job WHERE invocationdata::text LIKE '%EmbeddingBackfillJob%'")).ShouldBeGreaterThan(0);

        (await app.Database.AdminScalarAsync<long>(
            "SELECT count(*) FROM hangfire.job WHERE invocationdata::text LIKE '%IngestDocumentsJob%'")).ShouldBeGreaterThan(0);
        var stored = await app.Database.AdminScalarAsync<string>("""
            SELECT string_agg(t, E'\n') FROM (
                SELECT invocationdata::text || ' ' || coalesce(arguments::text, '') AS t FROM hangfire.job
                UNION ALL SELECT coalesce(name, '') || ' ' || coalesce(value, '') FROM hangfire.jobparameter
                UNION ALL SELECT coalesce(name, '') || ' ' || coalesce(reason, '') || ' ' || coalesce(data::text, '') FROM hangfire.state
                UNION ALL SELECT key || ' ' || coalesce(value, '') FROM hangfire.set
                UNION ALL SELECT key || ' ' || coalesce(field, '') || ' ' || coalesce(value, '') FROM hangfire.hash) x
            """);
        stored.ShouldNotContain(secret, Case.Insensitive);
        stored.ShouldNotContain(key);
        stored.ShouldNotContain(owner.Email, Case.Insensitive);
    }
}
