using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Portal.Documents.Chunking;

namespace Portal.KnowledgeBases;

/// <summary>Chunking as the API speaks it: <c>{strategy: fixed|recursive|heading|qa, chunkSize, chunkOverlap}</c>.</summary>
public sealed record ChunkingRequest(string? Strategy, int? ChunkSize, int? ChunkOverlap);

public sealed record ChunkingView(string Strategy, int ChunkSize, int ChunkOverlap);

internal static class ChunkingSettings
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static readonly IReadOnlyDictionary<string, ChunkingStrategy> Names = new Dictionary<string, ChunkingStrategy>(StringComparer.OrdinalIgnoreCase)
    {
        ["fixed"] = ChunkingStrategy.FixedTokens,
        ["recursive"] = ChunkingStrategy.Recursive,
        ["heading"] = ChunkingStrategy.HeadingAware,
        ["qa"] = ChunkingStrategy.Qa,
        [nameof(ChunkingStrategy.FixedTokens)] = ChunkingStrategy.FixedTokens,
        [nameof(ChunkingStrategy.HeadingAware)] = ChunkingStrategy.HeadingAware,
    };

    public static string NameOf(ChunkingStrategy strategy) => strategy switch
    {
        ChunkingStrategy.FixedTokens => "fixed",
        ChunkingStrategy.Recursive => "recursive",
        ChunkingStrategy.HeadingAware => "heading",
        _ => "qa",
    };

    /// <summary>Applies a request over <paramref name="current"/>; throws a 400 naming every problem.</summary>
    public static ChunkingOptions Resolve(ChunkingRequest? request, ChunkingOptions current)
    {
        if (request is null) return current;
        var errors = new List<string>();
        var strategy = current.Strategy;
        if (request.Strategy is { } name && !Names.TryGetValue(name.Trim(), out strategy))
            errors.Add($"chunking.strategy '{name}' is not one of fixed, recursive, heading, qa.");
        var options = current with
        {
            Strategy = strategy,
            ChunkSize = request.ChunkSize ?? current.ChunkSize,
            ChunkOverlap = request.ChunkOverlap ?? current.ChunkOverlap,
        };
        if (options.ChunkSize is < 16 or > 8192) errors.Add("chunking.chunkSize must be between 16 and 8192 tokens.");
        if (options.ChunkOverlap is < 0 or > 4096) errors.Add("chunking.chunkOverlap must be between 0 and 4096 tokens.");
        else if (options.ChunkOverlap >= options.ChunkSize) errors.Add("chunking.chunkOverlap must be smaller than chunking.chunkSize.");
        if (errors.Count > 0) throw PortalException.Invalid(string.Join(" ", errors));
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        return options;
    }

    public static ChunkingOptions FromStored(JsonDocument stored) =>
        stored.RootElement.ValueKind == JsonValueKind.Object && stored.RootElement.EnumerateObject().Any()
            ? stored.Deserialize<ChunkingOptions>(Json) ?? new ChunkingOptions()
            : new ChunkingOptions();

    public static JsonDocument ToStored(ChunkingOptions options) => JsonSerializer.SerializeToDocument(options, Json);

    public static ChunkingView View(ChunkingOptions options) => new(NameOf(options.Strategy), options.ChunkSize, options.ChunkOverlap);
}
