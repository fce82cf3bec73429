namespace Portal.Documents.Chunking;

/// <summary>
/// Everything about a chunk that can be computed from the document alone. The caller adds tenant,
/// knowledge base, document, version and source name before storing it.
/// </summary>
public sealed record ChunkDraft
{
    public required int Index { get; init; }
    public required string Text { get; init; }
    /// <summary>Start of the chunk in <see cref="Parsing.ParsedDocument.FullText"/> (inclusive).</summary>
    public required int StartOffset { get; init; }
    /// <summary>End of the chunk in <see cref="Parsing.ParsedDocument.FullText"/> (exclusive).</summary>
    public required int EndOffset { get; init; }
    public int? Page { get; init; }
    public int? PageEnd { get; init; }
    public IReadOnlyList<string> HeadingPath { get; init; } = [];
    public bool IsOcr { get; init; }
    public required int TokenCount { get; init; }
    /// <summary><c>zh</c>, <c>en</c>, <c>mixed</c> or <c>other</c>.</summary>
    public required string Language { get; init; }
    /// <summary>SHA-256 of the UTF-8 text, lowercase hex.</summary>
    public required string ContentHash { get; init; }
    public required DocumentFormat SourceFormat { get; init; }
}
