using System.Globalization;
using System.Text;

namespace Portal.Documents.Parsing.Pdf;

/// <summary>
/// Reads PDFs with poppler: one <c>pdftotext</c> call for the whole text layer (pages split at form feeds),
/// then OCR with <c>pdftoppm</c> + <c>tesseract</c> for pages whose text layer is empty. <c>pdfinfo</c> runs
/// only when pdftotext alone cannot be trusted to tell the page count or the encryption (see <see cref="NeedsPdfInfo"/>).
/// </summary>
internal static class PdfParser
{
    // Largest rendered page edge in pixels: a giant MediaBox is scaled down instead of rendered at full size.
    private const int MaxRenderedEdgePixels = 4000;

    public static ParsedDocument Parse(string path, ParserSettings settings, CancellationToken cancellationToken)
    {
        var maxPages = settings.Limits.MaxPages;
        // An encrypted file is diagnosed by pdfinfo first, as it always was: a user password fails it, an owner
        // password alone is reported as a warning.
        var info = PdfInfo.MayBeEncrypted(path) ? PdfInfo.Read(path, settings.Tools, cancellationToken) : null;
        if (info is { Pages: 0 })
            return EmptyDocument(info, maxPages);

        var requested = info is null ? maxPages : Math.Min(info.Pages, maxPages);
        var text = NativeTool.Run("pdftotext",
            ["-enc", "UTF-8", "-f", "1", "-l", requested.ToString(CultureInfo.InvariantCulture), path, "-"], settings.Tools, cancellationToken);
        var formFeeds = text.StandardOutput.AsSpan().Count('\f');
        if (info is null && NeedsPdfInfo(text, formFeeds, maxPages))
        {
            // Throws Encrypted or Malformed for files poppler cannot open at all, as before.
            info = PdfInfo.Read(path, settings.Tools, cancellationToken);
            if (info.Pages == 0)
                return EmptyDocument(info, maxPages);
        }
        if (text.ExitCode != 0)
            throw new DocumentRejectedException(ParseFailureReason.Malformed, "Malformed PDF: " + NativeTool.Describe("pdftotext", text));

        var totalPages = info?.Pages ?? formFeeds;
        var lastPage = Math.Min(totalPages, maxPages);
        var units = new UnitCollector();
        AddDocumentWarnings(units, info?.Encrypted ?? false, lastPage, totalPages);

        var pages = text.StandardOutput.Split('\f');
        var ocrPages = 0;
        IReadOnlyDictionary<int, (double Width, double Height)>? pageSizes = null;
        for (var page = 1; page <= lastPage; page++)
        {
            var pageText = page - 1 < pages.Length ? pages[page - 1] : "";
            if (VisibleCharacters(pageText) >= settings.Ocr.MinTextCharactersPerPage || !settings.Ocr.Enabled)
            {
                AddPage(units, pageText, page, isOcr: false);
                continue;
            }
            if (ocrPages++ >= settings.Limits.MaxOcrPages)
            {
                if (ocrPages == settings.Limits.MaxOcrPages + 1)
                    units.Warnings.Add($"Only {settings.Limits.MaxOcrPages} scanned pages were read with OCR.");
                AddPage(units, pageText, page, isOcr: false);
                continue;
            }
            pageSizes ??= PdfInfo.ReadPageSizes(path, lastPage, settings.Tools, cancellationToken);
            var recognised = PageOcr.Read(path, page, pageSizes.GetValueOrDefault(page, (612, 792)), MaxRenderedEdgePixels, settings, units.Warnings, cancellationToken);
            AddPage(units, recognised ?? pageText, page, isOcr: recognised is not null);
        }
        return units.Build(DocumentFormat.Pdf, totalPages);
    }

    /// <summary>
    /// pdftotext writes a form feed after every page it renders, so on a clean run the form feeds are the page
    /// count. pdfinfo is still asked when that count may be wrong: pdftotext failed (pdfinfo tells an encrypted
    /// file from a malformed one, and a file with no pages from a broken one), it complained (a page poppler
    /// cannot load is skipped without a form feed, but pdfinfo counts it), it read no page, or it stopped at the
    /// page limit (the warning states the total).
    /// </summary>
    internal static bool NeedsPdfInfo(NativeToolResult text, int formFeeds, int maxPages) =>
        text.ExitCode != 0 || text.StandardError.Length > 0 || formFeeds == 0 || formFeeds >= maxPages;

    private static ParsedDocument EmptyDocument(PdfInfo info, int maxPages)
    {
        var units = new UnitCollector();
        AddDocumentWarnings(units, info.Encrypted, Math.Min(info.Pages, maxPages), info.Pages);
        return units.Build(DocumentFormat.Pdf, info.Pages);
    }

    private static void AddDocumentWarnings(UnitCollector units, bool ownerPasswordOnly, int lastPage, int totalPages)
    {
        if (ownerPasswordOnly)
            units.Warnings.Add("The PDF is encrypted with an owner password only; its text was readable without one.");
        if (totalPages > lastPage)
            units.Warnings.Add($"Only the first {lastPage} of {totalPages} pages were read.");
    }

    private static void AddPage(UnitCollector units, string pageText, int page, bool isOcr)
    {
        foreach (var paragraph in TextNormalizer.Paragraphs(pageText))
            units.Add(TextNormalizer.JoinLines(paragraph), UnitKind.Paragraph, page, isOcr);
    }

    private static int VisibleCharacters(string text)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c) && !char.IsControl(c))
                count++;
        }
        return count;
    }
}

/// <summary>Renders one page to a grayscale PNG and reads it with tesseract.</summary>
internal static class PageOcr
{
    public static string? Read(string path, int page, (double Width, double Height) sizePoints, int maxEdgePixels,
        ParserSettings settings, List<string> warnings, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("portal-ocr-");
        try
        {
            var longEdgePoints = Math.Max(1, Math.Max(sizePoints.Width, sizePoints.Height));
            var dpi = Math.Max(1, Math.Min(settings.Ocr.Dpi, (int)(maxEdgePixels * 72 / longEdgePoints)));
            var pageNumber = page.ToString(CultureInfo.InvariantCulture);
            var prefix = Path.Combine(directory.FullName, "page");
            var render = NativeTool.Run("pdftoppm",
                ["-f", pageNumber, "-l", pageNumber, "-r", dpi.ToString(CultureInfo.InvariantCulture), "-gray", "-png", "-singlefile", path, prefix],
                settings.Tools, cancellationToken);
            var image = prefix + ".png";
            if (render.ExitCode != 0 || !File.Exists(image))
            {
                warnings.Add($"Page {page} could not be rendered for OCR: {NativeTool.Describe("pdftoppm", render)}");
                return null;
            }
            var ocr = NativeTool.Run("tesseract", [image, "stdout", "-l", settings.Ocr.Languages], settings.Tools, cancellationToken);
            if (ocr.ExitCode != 0)
            {
                warnings.Add($"OCR failed on page {page}: {NativeTool.Describe("tesseract", ocr)}");
                return null;
            }
            return RemoveSpacesBetweenCjk(ocr.StandardOutput);
        }
        finally
        {
            try { directory.Delete(recursive: true); } catch (IOException) { }
        }
    }

    // Tesseract's chi_sim model puts a space between every pair of Chinese characters.
    internal static string RemoveSpacesBetweenCjk(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == ' ' && builder.Length > 0 && TextNormalizer.IsCjk(builder[^1]))
            {
                var next = i + 1;
                while (next < text.Length && text[next] == ' ')
                    next++;
                if (next < text.Length && (TextNormalizer.IsCjk(text[next]) || IsCjkPunctuation(text[next])))
                {
                    i = next - 1;
                    continue;
                }
            }
            builder.Append(c);
        }
        return builder.ToString();
    }

    private static bool IsCjkPunctuation(char c) => c is >= '\u3000' and <= '\u303F' or >= '\uFF00' and <= '\uFFEF';
}
