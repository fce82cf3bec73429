using System.Diagnostics;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace Portal.TestSupport.Fixtures;

/// <summary>Builds PDFs with PDFsharp: text pages (Latin or Chinese) and scanned pages (an image of text, no text layer).</summary>
public static class PdfSamples
{
    private static readonly object FontLock = new();

    public static byte[] TextPdf(params string[] pages) => Build(pages.Select(p => (Action<PdfDocument>)(doc => AddTextPage(doc, p))));

    /// <summary>A PDF whose single page is a picture of <paramref name="text"/>, so only OCR can read it.</summary>
    public static byte[] ScannedPdf(string text, string? textPageBefore = null)
    {
        var directory = Directory.CreateTempSubdirectory("portal-scan-");
        try
        {
            var source = Path.Combine(directory.FullName, "source.pdf");
            File.WriteAllBytes(source, Build([doc => AddTextPage(doc, text, fontSize: 28)]));
            var prefix = Path.Combine(directory.FullName, "scan");
            using (var render = Process.Start("pdftoppm", ["-r", "150", "-png", "-singlefile", source, prefix]))
                render.WaitForExit();
            var steps = new List<Action<PdfDocument>>();
            if (textPageBefore is not null)
                steps.Add(doc => AddTextPage(doc, textPageBefore));
            steps.Add(doc =>
            {
                var page = doc.AddPage();
                using var graphics = XGraphics.FromPdfPage(page);
                using var image = XImage.FromFile(prefix + ".png");
                graphics.DrawImage(image, 0, 0, page.Width.Point, page.Height.Point);
            });
            return Build(steps);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    public static byte[] Build(IEnumerable<Action<PdfDocument>> pages)
    {
        EnsureFonts();
        using var document = new PdfDocument();
        foreach (var addPage in pages)
            addPage(document);
        using var output = new MemoryStream();
        document.Save(output, false);
        return output.ToArray();
    }

    public static void AddTextPage(PdfDocument document, string text, double fontSize = 11)
    {
        var page = document.AddPage();
        using var graphics = XGraphics.FromPdfPage(page);
        var font = new XFont(text.Any(c => c >= '\u4E00' && c <= '\u9FFF') ? SampleFonts.Chinese : SampleFonts.Latin, fontSize);
        var lineHeight = fontSize * 1.4;
        var y = 60.0;
        foreach (var paragraph in text.Split("\n\n"))
        {
            foreach (var line in Wrap(paragraph, graphics, font, page.Width.Point - 120))
            {
                if (y > page.Height.Point - 60) break;
                graphics.DrawString(line, font, XBrushes.Black, new XPoint(60, y));
                y += lineHeight;
            }
            y += lineHeight;
        }
    }

    private static IEnumerable<string> Wrap(string paragraph, XGraphics graphics, XFont font, double width)
    {
        var line = "";
        foreach (var word in Tokens(paragraph))
        {
            var candidate = line + word;
            if (line.Length > 0 && graphics.MeasureString(candidate, font).Width > width)
            {
                yield return line.TrimEnd();
                line = word.TrimStart();
            }
            else line = candidate;
        }
        if (line.Trim().Length > 0)
            yield return line.TrimEnd();
    }

    // Latin text wraps at spaces, Chinese text between any two characters.
    private static IEnumerable<string> Tokens(string text)
    {
        var current = "";
        foreach (var c in text.Replace('\n', ' '))
        {
            current += c;
            if (c == ' ' || c >= '\u3000')
            {
                yield return current;
                current = "";
            }
        }
        if (current.Length > 0) yield return current;
    }

    private static void EnsureFonts()
    {
        lock (FontLock)
        {
            // PDFsharp 6.5+ makes callers choose a licence; these generators only build test and benchmark inputs.
            PdfSharp.PdfSharpLicense.SetAgplLicense();
            if (GlobalFontSettings.FontResolver is not SampleFonts)
                GlobalFontSettings.FontResolver = new SampleFonts();
        }
    }
}

/// <summary>Maps the two families the samples use to fonts installed with Debian packages.</summary>
public sealed class SampleFonts : IFontResolver
{
    public const string Latin = "SampleLatin";
    public const string Chinese = "SampleChinese";
    private const string LatinFile = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    private const string ChineseFile = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc";

    public static bool ChineseAvailable => File.Exists(ChineseFile);

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        new(familyName == Chinese && ChineseAvailable ? Chinese : Latin);

    public byte[]? GetFont(string faceName) => faceName == Chinese ? FirstFontOfCollection(File.ReadAllBytes(ChineseFile)) : File.ReadAllBytes(LatinFile);

    /// <summary>PDFsharp reads single fonts only, so the first font of a .ttc collection is copied out into a standalone .ttf.</summary>
    private static byte[] FirstFontOfCollection(byte[] collection)
    {
        static uint U32(byte[] b, int at) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(at));
        if (U32(collection, 0) != 0x74746366) // "ttcf"
            return collection;
        var font = (int)U32(collection, 12);
        var tables = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(collection.AsSpan(font + 4));
        var headerLength = 12 + 16 * tables;
        using var output = new MemoryStream();
        var header = collection.AsSpan(font, headerLength).ToArray();
        output.Write(header);
        for (var t = 0; t < tables; t++)
        {
            var record = 12 + 16 * t;
            var offset = (int)U32(header, record + 8);
            var length = (int)U32(header, record + 12);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(record + 8), (uint)output.Length);
            output.Write(collection, offset, length);
            while (output.Length % 4 != 0) output.WriteByte(0);
        }
        var result = output.ToArray();
        header.CopyTo(result, 0);
        return result;
    }
}
