namespace Portal.Documents.Detection;

/// <summary>
/// Decides a file's format from its bytes and structure. File names and Content-Type headers are
/// never consulted: they are chosen by the uploader and prove nothing.
/// </summary>
public static class FormatDetector
{
    /// <summary>How much of the start of a file is sniffed for text formats.</summary>
    internal const int SniffBytes = 64 * 1024;

    private static ReadOnlySpan<byte> PdfMagic => "%PDF-"u8;
    private static ReadOnlySpan<byte> ZipMagic => [0x50, 0x4B, 0x03, 0x04];

    public static DocumentFormat Detect(ReadOnlySpan<byte> content)
    {
        if (content.IsEmpty)
            return DocumentFormat.Unsupported;
        if (StartsWithPdfMagic(content))
            return DocumentFormat.Pdf;
        if (content.StartsWith(ZipMagic))
        {
            using var zip = new MemoryStream(content.ToArray(), writable: false);
            return OfficePackageInspector.Inspect(zip);
        }
        return TextSniffer.Sniff(content[..Math.Min(content.Length, SniffBytes)], isWholeFile: content.Length <= SniffBytes);
    }

    /// <summary>Detects from a stream; a seekable stream is left at its original position.</summary>
    public static DocumentFormat Detect(Stream content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!content.CanSeek)
        {
            using var copy = new MemoryStream();
            content.CopyTo(copy);
            return Detect(copy.GetBuffer().AsSpan(0, (int)copy.Length));
        }

        var origin = content.Position;
        try
        {
            var head = new byte[SniffBytes];
            var read = content.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            var sample = head.AsSpan(0, read);
            if (sample.IsEmpty)
                return DocumentFormat.Unsupported;
            if (StartsWithPdfMagic(sample))
                return DocumentFormat.Pdf;
            if (sample.StartsWith(ZipMagic))
            {
                content.Position = origin;
                return OfficePackageInspector.Inspect(content);
            }
            return TextSniffer.Sniff(sample, isWholeFile: content.Length - origin <= SniffBytes);
        }
        finally
        {
            content.Position = origin;
        }
    }

    public static DocumentFormat DetectFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess);
        return Detect(stream);
    }

    // Acrobat accepts the header anywhere in the first 1024 bytes, and so do real-world PDFs.
    private static bool StartsWithPdfMagic(ReadOnlySpan<byte> content)
    {
        var window = content[..Math.Min(content.Length, 1024)];
        return window.IndexOf(PdfMagic) >= 0;
    }
}
