using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Portal.Documents.Parsing;

namespace Portal.Documents.Chunking;

/// <summary>Cuts a parsed document into chunks. Pure and deterministic: the same input always gives the same chunks.</summary>
public static class Chunker
{
    public static IReadOnlyList<ChunkDraft> Chunk(ParsedDocument document, ChunkingOptions options)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);

        var layout = new DocumentLayout(document);
        var raw = new List<RawChunk>();
        switch (options.Strategy)
        {
            case ChunkingStrategy.FixedTokens:
                ChunkStrategies.FixedTokens(layout, options.ChunkSize, options.ChunkOverlap, raw);
                break;
            case ChunkingStrategy.Recursive:
                ChunkStrategies.Recursive(layout, 0, layout.Units.Count, options.ChunkSize, options.ChunkOverlap, raw);
                break;
            case ChunkingStrategy.HeadingAware:
                ChunkStrategies.HeadingAware(layout, options.ChunkSize, options.ChunkOverlap, raw);
                break;
            case ChunkingStrategy.Qa:
                if (!QaPairs.Find(layout, raw))
                    ChunkStrategies.Recursive(layout, 0, layout.Units.Count, options.ChunkSize, options.ChunkOverlap, raw);
                break;
        }
        return Finish(layout, raw);
    }

    private static List<ChunkDraft> Finish(DocumentLayout layout, List<RawChunk> raw)
    {
        var chunks = new List<ChunkDraft>(raw.Count);
        foreach (var candidate in raw)
        {
            var (start, end) = (candidate.Start, candidate.End);
            string text;
            if (candidate.Text is not null)
                text = candidate.Text.Trim();
            else
            {
                while (start < end && char.IsWhiteSpace(layout.FullText[start])) start++;
                while (end > start && char.IsWhiteSpace(layout.FullText[end - 1])) end--;
                text = layout.FullText[start..end];
            }
            if (text.Length == 0)
                continue;

            var first = layout.UnitAt(start);
            var last = layout.UnitAt(Math.Max(start, end - 1));
            var isOcr = false;
            for (var u = first; u <= last && u < layout.Units.Count; u++)
                isOcr |= layout.Units[u].IsOcr;
            var firstUnit = layout.Units.Count > 0 ? layout.Units[first] : null;

            chunks.Add(new ChunkDraft
            {
                Index = chunks.Count,
                Text = text,
                StartOffset = start,
                EndOffset = end,
                Page = firstUnit?.Page,
                PageEnd = layout.Units.Count > 0 ? layout.Units[last].Page ?? firstUnit?.Page : null,
                HeadingPath = candidate.HeadingPath ?? firstUnit?.HeadingPath ?? [],
                IsOcr = isOcr,
                TokenCount = TokenCounter.Count(text),
                Language = ChunkLanguage.Detect(text),
                ContentHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))),
                SourceFormat = layout.Document.Format,
            });
        }
        return chunks;
    }
}

/// <summary>A chunk before its metadata is filled in; <see cref="Text"/> is set only when it is not a plain slice of the full text.</summary>
internal sealed record RawChunk(int Start, int End, string? Text = null, IReadOnlyList<string>? HeadingPath = null);
