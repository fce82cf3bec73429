using System.ComponentModel.DataAnnotations;

namespace Portal.Documents;

/// <summary>Limits on what a single upload may contain. Bound from the <c>Ingestion:Limits</c> section.</summary>
public sealed class IngestionLimits
{
    public const long DefaultMaxFileBytes = 52_428_800;

    /// <summary>Larger files are refused before parsing (the web layer answers 413 first).</summary>
    [Range(1, long.MaxValue)]
    public long MaxFileBytes { get; set; } = DefaultMaxFileBytes;

    /// <summary>Sum of the declared uncompressed sizes of all entries in an Office file.</summary>
    [Range(1, long.MaxValue)]
    public long MaxUncompressedBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Uncompressed-to-compressed ratio allowed for a large entry; XML rarely passes 30:1.</summary>
    [Range(2, 10_000)]
    public int MaxCompressionRatio { get; set; } = 100;

    /// <summary>Entries smaller than this are not ratio-checked: a tiny XML part can legitimately compress very well.</summary>
    [Range(0, long.MaxValue)]
    public long CompressionRatioMinEntryBytes { get; set; } = 1024 * 1024;

    [Range(1, 1_000_000)]
    public int MaxArchiveEntries { get; set; } = 10_000;

    /// <summary>Pages beyond this are not read; a warning says so.</summary>
    [Range(1, 1_000_000)]
    public int MaxPages { get; set; } = 5_000;

    /// <summary>Scanned pages beyond this are skipped with a warning: OCR costs seconds per page.</summary>
    [Range(0, 100_000)]
    public int MaxOcrPages { get; set; } = 100;

    /// <summary>Spreadsheet rows beyond this per sheet are dropped with a warning.</summary>
    [Range(1, 10_000_000)]
    public int MaxTableRows { get; set; } = 200_000;
}

/// <summary>How scanned PDF pages are read. Bound from the <c>Ingestion:Ocr</c> section.</summary>
public sealed class OcrOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Tesseract language list, as passed to <c>tesseract -l</c>.</summary>
    [Required, RegularExpression("^[A-Za-z_]+(\\+[A-Za-z_]+)*$")]
    public string Languages { get; set; } = "chi_sim+eng";

    [Range(72, 600)]
    public int Dpi { get; set; } = 200;

    /// <summary>A page whose text layer has fewer visible characters than this is treated as scanned.</summary>
    [Range(0, 10_000)]
    public int MinTextCharactersPerPage { get; set; } = 16;
}
