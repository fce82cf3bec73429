using System.Globalization;
using System.Text.RegularExpressions;

namespace Portal.Documents.Parsing.Pdf;

internal sealed record PdfInfo(int Pages, bool Encrypted)
{
    public static PdfInfo Read(string path, NativeToolLimits limits, CancellationToken cancellationToken)
    {
        var first = NativeTool.Run("pdfinfo", [path], limits, cancellationToken);
        ThrowIfUnreadable(first);
        var pages = ReadInt(first.StandardOutput, @"^Pages:\s+(\d+)") ?? 0;
        var encrypted = Regex.IsMatch(first.StandardOutput, @"^Encrypted:\s+yes", RegexOptions.Multiline);
        return new PdfInfo(pages, encrypted);
    }

    /// <summary>
    /// Whether the file names an <c>/Encrypt</c> dictionary anywhere. Encryption is declared in the trailer (or
    /// the cross-reference stream's dictionary), which is never compressed, so a file without the bytes is not
    /// encrypted; one with them may be. A single pass over the file, far cheaper than starting pdfinfo.
    /// </summary>
    public static bool MayBeEncrypted(string path)
    {
        ReadOnlySpan<byte> marker = "/Encrypt"u8;
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var buffer = new byte[64 * 1024];
        var kept = 0; // the tail of the previous block, so a marker split across two reads is still found
        int read;
        while ((read = file.Read(buffer, kept, buffer.Length - kept)) > 0)
        {
            var filled = kept + read;
            if (buffer.AsSpan(0, filled).IndexOf(marker) >= 0)
                return true;
            kept = Math.Min(marker.Length - 1, filled);
            buffer.AsSpan(filled - kept, kept).CopyTo(buffer);
        }
        return false;
    }

    /// <summary>
    /// Page sizes in points for pages 1..<paramref name="lastPage"/>. A second pdfinfo run, so it is asked for
    /// only when a page needs OCR (the render is scaled by its size); text-only PDFs never pay for it.
    /// </summary>
    public static IReadOnlyDictionary<int, (double Width, double Height)> ReadPageSizes(
        string path, int lastPage, NativeToolLimits limits, CancellationToken cancellationToken)
    {
        var sizes = new Dictionary<int, (double, double)>();
        var perPage = NativeTool.Run("pdfinfo", ["-f", "1", "-l", lastPage.ToString(CultureInfo.InvariantCulture), path], limits, cancellationToken);
        foreach (Match match in Regex.Matches(perPage.StandardOutput, @"^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+)", RegexOptions.Multiline))
        {
            sizes[int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)] =
                (double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), double.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture));
        }
        return sizes;
    }

    private static void ThrowIfUnreadable(NativeToolResult result)
    {
        if (result.ExitCode == 0)
            return;
        if (result.StandardError.Contains("password", StringComparison.OrdinalIgnoreCase))
            throw new DocumentRejectedException(ParseFailureReason.Encrypted, "The PDF is encrypted; upload an unprotected copy.");
        throw new DocumentRejectedException(ParseFailureReason.Malformed, "Malformed PDF: " + NativeTool.Describe("pdfinfo", result));
    }

    private static int? ReadInt(string text, string pattern)
    {
        var match = Regex.Match(text, pattern, RegexOptions.Multiline);
        return match.Success && int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var value) ? value : null;
    }
}
