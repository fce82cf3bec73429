using System.IO.Compression;
using System.Text;

namespace Portal.TestSupport.Fixtures;

/// <summary>Files built to break parsers: truncated and self-referencing PDFs, zip bombs, deep nesting, binary junk.</summary>
public static class HostileCorpus
{
    public static IReadOnlyList<(string Name, byte[] Content)> All()
    {
        var validPdf = PdfSamples.TextPdf(TextSamples.EnglishParagraph(7), TextSamples.EnglishParagraph(8));
        var validDocx = OfficeSamples.Docx([("Heading1", "Title"), ("", "Body text")]);
        return
        [
            ("truncated.pdf", validPdf[..(validPdf.Length / 2)]),
            ("header-only.pdf", Encoding.ASCII.GetBytes("%PDF-1.7\n")),
            ("corrupted-xref.pdf", CorruptXref(validPdf)),
            ("self-referencing-page-tree.pdf", RawPdf("<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [2 0 R] /Count 1 >>")),
            ("giant-mediabox.pdf", RawPdf("<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] >>")),
            ("enormous-image.pdf", RawPdf("<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>",
                "<< /Type /XObject /Subtype /Image /Width 200000 /Height 200000 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length 3 >>\nstream\nabc\nendstream",
                "<< /Length 32 >>\nstream\nq 612 0 0 792 0 0 cm /Im1 Do Q\nendstream")),
            ("zip-bomb.docx", ZipBomb(validDocx, 24L * 1024 * 1024)),
            ("billion-laughs.docx", BillionLaughs(validDocx)),
            ("pdf-named.docx", validPdf),
            ("docx-named.pdf", validDocx),
            ("plain.zip", PlainZip()),
            ("deep.html", Encoding.UTF8.GetBytes("<html><body>" + Repeat("<div>", 100_000) + "deep" + "</body></html>")),
            ("deep-quotes.md", Encoding.UTF8.GetBytes("# Deep\n\n" + Repeat(">", 50_000) + " quoted\n")),
            ("deep-lists.md", Encoding.UTF8.GetBytes("# Lists\n\n" + string.Concat(Enumerable.Range(0, 1_000).Select(i => new string(' ', i * 2) + "- item\n")))),
            ("deep-brackets.md", Encoding.UTF8.GetBytes("# B\n\n" + Repeat("[", 100_000) + Repeat("](x)", 1000))),
            ("empty.txt", []),
            ("nul-filled.txt", new byte[1024 * 1024]),
            ("invalid-utf8.txt", InvalidUtf8()),
            ("random.bin", RandomBytes(1 << 16, 1)),
            ("png.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. RandomBytes(512, 2)]),
            ("elf.exe", [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, .. RandomBytes(512, 3)]),
            ("old-word.doc", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, .. RandomBytes(4096, 4)]),
            ("huge-line.csv", Encoding.UTF8.GetBytes("a,b\n\"" + Repeat("x", 5_000_000) + "\",1\n")),
        ];
    }

    private static string Repeat(string s, int count) => new StringBuilder(s.Length * count).Insert(0, s, count).ToString();

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] InvalidUtf8()
    {
        var bytes = RandomBytes(8192, 5);
        for (var i = 0; i < bytes.Length; i++)
            bytes[i] = (byte)(0x80 | (bytes[i] & 0x3F)); // lone continuation bytes everywhere
        return bytes;
    }

    private static byte[] CorruptXref(byte[] pdf)
    {
        var text = Encoding.Latin1.GetString(pdf);
        var xref = text.LastIndexOf("xref", StringComparison.Ordinal);
        var chars = text.ToCharArray();
        for (var i = xref + 4; i < Math.Min(chars.Length, xref + 400); i++)
        {
            if (char.IsAsciiDigit(chars[i])) chars[i] = (char)('0' + (chars[i] * 7 % 10));
        }
        return Encoding.Latin1.GetBytes(chars);
    }

    /// <summary>A PDF from raw object bodies (object n is the n-th argument), with a correct cross-reference table.</summary>
    public static byte[] RawPdf(params string[] objects)
    {
        var builder = new StringBuilder("%PDF-1.7\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(builder.Length);
            builder.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = builder.Length;
        builder.Append($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
            builder.Append($"{offset:D10} 00000 n \n");
        builder.Append($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.Latin1.GetBytes(builder.ToString());
    }

    /// <summary>A valid package plus one highly compressible entry of <paramref name="size"/> zero bytes.</summary>
    public static byte[] ZipBomb(byte[] package, long size)
    {
        using var stream = new MemoryStream();
        stream.Write(package);
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            using var entry = archive.CreateEntry("word/media/bomb.bin", CompressionLevel.Optimal).Open();
            var zeros = new byte[1024 * 1024];
            for (long written = 0; written < size; written += zeros.Length)
                entry.Write(zeros);
        }
        return stream.ToArray();
    }

    private static byte[] BillionLaughs(byte[] package)
    {
        using var stream = new MemoryStream();
        stream.Write(package);
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            archive.GetEntry("word/document.xml")!.Delete();
            using var writer = new StreamWriter(archive.CreateEntry("word/document.xml").Open());
            writer.Write("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
                + "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\"><!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">]>"
                + "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>&lol4;</w:t></w:r></w:p></w:body></w:document>");
        }
        return stream.ToArray();
    }

    private static byte[] PlainZip()
    {
        using var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var writer = new StreamWriter(archive.CreateEntry("readme.txt").Open());
            writer.Write("not an office file");
        }
        return stream.ToArray();
    }
}
