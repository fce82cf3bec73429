using Npgsql;
using Portal.Data;
using Portal.Search;
using Portal.Search.Evaluation;
using Portal.Tenancy;

namespace Portal.Web.Features.Search;

/// <summary>
/// <c>./portal eval retrieval --data FILE.jsonl [--kb ID] [--tenant ID] [--modes hybrid,vector,keyword] [--k 1,5,10]</c>
/// and <c>./portal search-backfill</c>.
/// </summary>
internal static class SearchCommands
{
    public static bool IsCommand(string[] args) => args is ["eval", ..] or ["search-backfill", ..];

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        if (args[0] == "search-backfill")
        {
            var embedded = await app.Services.GetRequiredService<EmbeddingBackfill>().RunAsync(CancellationToken.None);
            Console.WriteLine($"Embedded {embedded} chunk(s).");
            return 0;
        }
        if (args is not ["eval", "retrieval", ..] || Option(args, "--data") is not { } data)
        {
            Console.Error.WriteLine("usage: ./portal eval retrieval --data FILE.jsonl [--kb ID] [--tenant ID] [--modes hybrid,vector,keyword] [--k 1,5,10]");
            return 2;
        }
        Guid? kb = Option(args, "--kb") is { } kbText ? Guid.Parse(kbText) : null;
        var tenantId = Option(args, "--tenant") is { } t ? Guid.Parse(t)
            : kb is { } id ? await TenantOfAsync(app.Services, id)
            : throw new ArgumentException("Name the knowledge base (--kb) or the tenant (--tenant).");
        var modes = (Option(args, "--modes") ?? "hybrid,vector,keyword").Split(',').Select(m => Enum.Parse<SearchMode>(m, true)).ToList();
        var ks = (Option(args, "--k") ?? "1,5,10").Split(',').Select(int.Parse).ToList();
        using var file = File.OpenText(data);
        var cases = RetrievalEvaluation.ReadJsonLines(file);

        var reports = await RetrievalEvaluation.RunAsync(cases, modes, ks, async (question, mode, depth) =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId, TenantRole.Viewer, "system:eval");
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            await using var tx = await db.BeginTenantTransactionAsync(tenantId, CancellationToken.None);
            return await scope.ServiceProvider.GetRequiredService<HybridSearch>().SearchAsync(
                new SearchQuery(question) { KnowledgeBaseIds = kb is { } k ? [k] : null, Mode = mode, TopK = depth }, CancellationToken.None);
        });
        Console.WriteLine(RetrievalEvaluation.Format(reports));
        return 0;
    }

    private static async Task<Guid> TenantOfAsync(IServiceProvider services, Guid knowledgeBaseId)
    {
        await using var cmd = services.GetRequiredService<NpgsqlDataSource>().CreateCommand("SELECT search_knowledge_base_tenant($1)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = knowledgeBaseId });
        return await cmd.ExecuteScalarAsync() is Guid tenant ? tenant : throw new ArgumentException($"No knowledge base {knowledgeBaseId}.");
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
