using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Portal.Documents.Chunking;

[JsonConverter(typeof(JsonStringEnumConverter<ChunkingStrategy>))]
public enum ChunkingStrategy
{
    /// <summary>Windows of exactly <see cref="ChunkingOptions.ChunkSize"/> tokens, each overlapping the last.</summary>
    FixedTokens,
    /// <summary>Paragraphs, then lines, sentences, words and tokens, packed up to the size.</summary>
    Recursive,
    /// <summary>Each section under a heading stays whole when it fits; otherwise recursive inside it.</summary>
    HeadingAware,
    /// <summary>One question-and-answer pair per chunk; falls back to recursive when no pairs are found.</summary>
    Qa,
}

/// <summary>How a knowledge base cuts its documents. Stored per knowledge base as JSON.</summary>
public sealed record ChunkingOptions : IValidatableObject
{
    public ChunkingStrategy Strategy { get; init; } = ChunkingStrategy.HeadingAware;

    /// <summary>Most tokens in a chunk, counted by <see cref="TokenCounter"/>.</summary>
    [Range(16, 8192)]
    public int ChunkSize { get; init; } = 500;

    /// <summary>Tokens repeated from the end of one chunk at the start of the next.</summary>
    [Range(0, 4096)]
    public int ChunkOverlap { get; init; } = 50;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ChunkOverlap >= ChunkSize)
            yield return new ValidationResult("ChunkOverlap must be smaller than ChunkSize.", [nameof(ChunkOverlap)]);
    }
}
