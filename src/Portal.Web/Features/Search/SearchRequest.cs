using Portal.Search;

namespace Portal.Web.Features.Search;

public sealed record SearchFiltersBody(Guid[]? DocumentIds, string[]? Languages, int? PageFrom, int? PageTo,
    string[]? HeadingPathPrefix, string[]? SourceTypes);

public sealed record SearchRequest(string? Query, Guid[]? KnowledgeBaseIds, string? Mode, int? TopK, SearchFiltersBody? Filters);

public sealed record SearchResultItem(long ChunkId, Guid DocumentId, string DocumentName, string Text, int? Page,
    string[] HeadingPath, double Score, int? VectorRank, int? KeywordRank, double? VectorScore, double? KeywordScore,
    string[] MatchedTerms);

public sealed record SearchResponse(IReadOnlyList<SearchResultItem> Results);

public sealed record SynonymsBody(Dictionary<string, string[]>? Synonyms);

internal static class SearchRequestValidation
{
    private const int MaxListLength = 100;

    /// <summary>Turns the body into a query, or lists each invalid field (camelCase, as sent) with the reason.</summary>
    public static (SearchQuery? Query, Dictionary<string, string[]> Errors) Validate(SearchRequest request, SearchOptions options)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) => errors[field] = [message];

        if (string.IsNullOrWhiteSpace(request.Query)) Fail("query", "A query is required.");
        else if (request.Query.Length > options.MaxQueryLength) Fail("query", $"A query has at most {options.MaxQueryLength} characters.");
        SearchMode? mode = null;
        if (request.Mode is { } m)
        {
            if (Enum.TryParse<SearchMode>(m, ignoreCase: true, out var parsed) && !int.TryParse(m, out _)) mode = parsed;
            else Fail("mode", "mode is one of hybrid, vector, keyword.");
        }
        var topK = request.TopK ?? options.DefaultTopK;
        if (topK < 1 || topK > options.MaxTopK) Fail("topK", $"topK is between 1 and {options.MaxTopK}.");
        if (request.KnowledgeBaseIds is { Length: > MaxListLength }) Fail("knowledgeBaseIds", $"At most {MaxListLength} knowledge bases.");

        var f = request.Filters;
        if (f is not null)
        {
            if (f.PageFrom is < 1) Fail("filters.pageFrom", "Pages start at 1.");
            if (f.PageTo is < 1) Fail("filters.pageTo", "Pages start at 1.");
            if (f.PageFrom > f.PageTo) Fail("filters.pageTo", "pageTo must not be before pageFrom.");
            foreach (var (name, list) in new (string, string[]?)[] { ("filters.languages", f.Languages), ("filters.headingPathPrefix", f.HeadingPathPrefix), ("filters.sourceTypes", f.SourceTypes) })
                if (list is { Length: > MaxListLength } || list?.Any(s => string.IsNullOrEmpty(s) || s.Length > 500) == true)
                    Fail(name, $"At most {MaxListLength} non-empty values of up to 500 characters.");
            if (f.DocumentIds is { Length: > MaxListLength }) Fail("filters.documentIds", $"At most {MaxListLength} documents.");
        }
        if (errors.Count > 0) return (null, errors);
        return (new SearchQuery(request.Query!.Trim())
        {
            KnowledgeBaseIds = request.KnowledgeBaseIds,
            Mode = mode,
            TopK = topK,
            Filters = f is null ? SearchFilters.None : new SearchFilters
            {
                DocumentIds = f.DocumentIds, Languages = f.Languages, PageFrom = f.PageFrom, PageTo = f.PageTo,
                HeadingPathPrefix = f.HeadingPathPrefix, SourceTypes = f.SourceTypes,
            },
        }, errors);
    }
}
