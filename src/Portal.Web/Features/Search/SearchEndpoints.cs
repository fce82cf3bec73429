using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Search;
using Portal.Tenancy;
using Portal.Web.Auth;
using Portal.Web.Hosting;

namespace Portal.Web.Features.Search;

internal static class SearchEndpoints
{
    public static IEndpointRouteBuilder MapSearchEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Search").RequireAuthorization(PortalPolicies.TenantViewer).AddEndpointFilter<TenantScope>();
        api.MapPost("/search", SearchAsync);
        api.MapGet("/synonyms", async (PortalDbContext db, CancellationToken ct) =>
            TypedResults.Ok(new SynonymsBody(await Synonyms.LoadAsync(db, ct))));
        api.MapPut("/synonyms", PutSynonymsAsync).RequireAuthorization(PortalPolicies.TenantEditor);
        return app;
    }

    private static async Task<Results<Ok<SearchResponse>, ValidationProblem>> SearchAsync(
        SearchRequest request, HybridSearch search, IOptions<SearchOptions> options, CancellationToken ct)
    {
        var (query, errors) = SearchRequestValidation.Validate(request, options.Value);
        if (query is null) return TypedResults.ValidationProblem(errors, type: ProblemDetailsSetup.TypePrefix + "validation");
        var hits = await search.SearchAsync(query, ct);
        return TypedResults.Ok(new SearchResponse(hits.Select(h => new SearchResultItem(h.ChunkId, h.DocumentId, h.DocumentName,
            h.Text, h.Page, h.HeadingPath, h.Score, h.VectorRank, h.KeywordRank, h.VectorScore, h.KeywordScore, h.MatchedTerms)).ToList()));
    }

    private static async Task<Results<Ok<SynonymsBody>, ValidationProblem>> PutSynonymsAsync(
        SynonymsBody body, PortalDbContext db, TenantContext tenant, CancellationToken ct)
    {
        var invalid = await Synonyms.ReplaceAsync(db, tenant.RequiredTenantId, body.Synonyms ?? [], ct);
        if (invalid is not null)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                { [invalid] = [$"At most {Synonyms.MaxEntries} terms, each with 1–{Synonyms.MaxExpansions} expansions of up to {Synonyms.MaxLength} characters."] },
                type: ProblemDetailsSetup.TypePrefix + "validation");
        return TypedResults.Ok(new SynonymsBody(await Synonyms.LoadAsync(db, ct)));
    }
}
