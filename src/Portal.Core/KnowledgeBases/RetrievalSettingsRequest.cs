using System.Text.Json;
using Portal.Search;
using Portal.Search.Embeddings;

namespace Portal.KnowledgeBases;

/// <summary>
/// A change to a knowledge base's retrieval settings: every field is optional and a missing one keeps
/// its current value. <c>embedder: ""</c> returns to the node's default embedder.
/// </summary>
public sealed record RetrievalSettingsRequest(
    string? Mode = null,
    string? Fusion = null,
    int? RrfK = null,
    double? VectorWeight = null,
    int? CandidateMultiplier = null,
    double? Bm25K1 = null,
    double? Bm25B = null,
    int? EfSearch = null,
    double? MmrLambda = null,
    bool? DedupeDocuments = null,
    string? Embedder = null);

public sealed record RetrievalSettingsView(
    string Mode, string Fusion, int RrfK, double VectorWeight, int CandidateMultiplier, double Bm25K1, double Bm25B,
    int? EfSearch, double? MmrLambda, bool DedupeDocuments, string Embedder);

internal static class RetrievalSettingsChange
{
    /// <summary>Applies <paramref name="request"/> over <paramref name="current"/>; throws a 400 naming the bad field.</summary>
    public static RetrievalSettings Apply(RetrievalSettingsRequest? request, RetrievalSettings current, EmbedderRegistry embedders)
    {
        if (request is null) return current;
        var embedder = request.Embedder is null ? current.Embedder
            : request.Embedder.Trim() is { Length: > 0 } named ? named : null;
        var next = current with
        {
            Mode = request.Mode is null ? current.Mode : ParseName<SearchMode>(request.Mode, "mode", "hybrid, vector, keyword"),
            Fusion = request.Fusion is null ? current.Fusion : ParseName<FusionMethod>(request.Fusion, "fusion", "rrf, weighted"),
            RrfK = request.RrfK ?? current.RrfK,
            VectorWeight = request.VectorWeight ?? current.VectorWeight,
            CandidateMultiplier = request.CandidateMultiplier ?? current.CandidateMultiplier,
            Bm25K1 = request.Bm25K1 ?? current.Bm25K1,
            Bm25B = request.Bm25B ?? current.Bm25B,
            EfSearch = request.EfSearch ?? current.EfSearch,
            MmrLambda = request.MmrLambda ?? current.MmrLambda,
            DedupeDocuments = request.DedupeDocuments ?? current.DedupeDocuments,
            Embedder = embedder,
        };
        if (next.Invalid() is { } field)
            throw PortalException.Invalid($"retrieval.{field} is out of range.");
        if (request.Embedder is not null && embedder is not null && !embedders.ModelIds.Contains(embedder))
            throw PortalException.Invalid(
                $"retrieval.embedder '{embedder}' is not installed on this node; installed: {string.Join(", ", embedders.ModelIds.Order(StringComparer.Ordinal))}.");
        return next;
    }

    private static T ParseName<T>(string value, string field, string allowed) where T : struct, Enum =>
        Enum.TryParse<T>(value.Trim(), ignoreCase: true, out var parsed) && !int.TryParse(value, out _) ? parsed
        : throw PortalException.Invalid($"retrieval.{field} '{value}' is not one of {allowed}.");

    public static JsonDocument ToStored(RetrievalSettings settings) => JsonSerializer.SerializeToDocument(settings, RetrievalSettings.Json);

    /// <summary>The settings as the API shows them, naming the embedder that serves the knowledge base.</summary>
    public static RetrievalSettingsView View(RetrievalSettings s, EmbedderRegistry embedders) => new(
        s.Mode.ToString().ToLowerInvariant(), s.Fusion.ToString().ToLowerInvariant(), s.RrfK, s.VectorWeight, s.CandidateMultiplier,
        s.Bm25K1, s.Bm25B, s.EfSearch, s.MmrLambda, s.DedupeDocuments, s.Embedder ?? embedders.Default.ModelId);

    /// <summary>The stored settings, or the defaults when what is stored no longer parses.</summary>
    public static RetrievalSettings FromStored(JsonDocument stored)
    {
        try { return RetrievalSettings.From(stored); }
        catch (JsonException) { return new RetrievalSettings(); }
    }
}
