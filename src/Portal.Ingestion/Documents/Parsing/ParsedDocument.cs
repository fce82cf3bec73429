using System.Text.Json.Serialization;

namespace Portal.Documents.Parsing;

[JsonConverter(typeof(JsonStringEnumConverter<UnitKind>))]
public enum UnitKind
{
    Paragraph,
    Heading,
    Table,
    Slide,
    Code,
    ListItem,
}

/// <summary>A table kept with its header so that any slice of rows can repeat it.</summary>
public sealed record ParsedTable(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>One reading-order unit of a document: a paragraph, a heading, a table, a slide.</summary>
public sealed record ParsedUnit
{
    public required string Text { get; init; }
    public UnitKind Kind { get; init; } = UnitKind.Paragraph;
    /// <summary>1-based page (PDF) or slide (PPTX) number; null where the format has no pages.</summary>
    public int? Page { get; init; }
    public IReadOnlyList<string> HeadingPath { get; init; } = [];
    public bool IsOcr { get; init; }
    /// <summary>Set for <see cref="UnitKind.Table"/> units; <see cref="Text"/> is then its Markdown rendering.</summary>
    public ParsedTable? Table { get; init; }
}

public sealed record ParsedDocument
{
    /// <summary>Separator placed between units in <see cref="FullText"/>; chunk offsets count it.</summary>
    public const string UnitSeparator = "\n\n";

    public required DocumentFormat Format { get; init; }
    public int? PageCount { get; init; }
    public IReadOnlyList<ParsedUnit> Units { get; init; } = [];
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The normalised full text that chunk offsets point into: unit texts joined by a blank line.</summary>
    public string FullText() => string.Join(UnitSeparator, Units.Select(u => u.Text));
}
