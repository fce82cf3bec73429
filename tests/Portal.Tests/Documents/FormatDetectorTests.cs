using System.Text;
using Portal.Documents;
using Portal.Documents.Detection;

namespace Portal.Tests.Documents;

using DocumentFormat = Portal.Documents.DocumentFormat;

public class FormatDetectorTests
{
    [Fact]
    public void A_pdf_is_recognised_by_its_magic_bytes() =>
        FormatDetector.Detect(PdfSamples.TextPdf("Hello")).ShouldBe(DocumentFormat.Pdf);

    [Fact]
    public void Office_files_are_told_apart_by_the_parts_they_contain()
    {
        FormatDetector.Detect(OfficeSamples.Docx([("", "x")])).ShouldBe(DocumentFormat.Docx);
        FormatDetector.Detect(OfficeSamples.Xlsx(("S", [["a"]]))).ShouldBe(DocumentFormat.Xlsx);
        FormatDetector.Detect(OfficeSamples.Pptx(("T", "b"))).ShouldBe(DocumentFormat.Pptx);
    }

    [Theory]
    [InlineData(TextSamples.Html, DocumentFormat.Html)]
    [InlineData("\uFEFF  <html><p>x</p></html>", DocumentFormat.Html)]
    [InlineData("<!-- c --><HTML><body>x</body></HTML>", DocumentFormat.Html)]
    [InlineData(TextSamples.Markdown, DocumentFormat.Markdown)]
    [InlineData(TextSamples.Csv, DocumentFormat.Csv)]
    [InlineData("a\tb\tc\n1\t2\t3\n4\t5\t6\n", DocumentFormat.Csv)]
    [InlineData(TextSamples.PlainText, DocumentFormat.PlainText)]
    [InlineData("你好，世界。这是一段中文。", DocumentFormat.PlainText)]
    public void Text_formats_are_sniffed_from_content(string content, DocumentFormat expected) =>
        FormatDetector.Detect(Encoding.UTF8.GetBytes(content)).ShouldBe(expected);

    [Fact]
    public void Gb18030_chinese_text_is_recognised_as_text()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var bytes = Encoding.GetEncoding("GB18030").GetBytes(TextSamples.ChineseParagraph(1));
        FormatDetector.Detect(bytes).ShouldBe(DocumentFormat.PlainText);
    }

    [Fact]
    public void Utf16_text_with_a_byte_order_mark_is_text() =>
        FormatDetector.Detect([.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("hello world")]).ShouldBe(DocumentFormat.PlainText);

    [Theory]
    [InlineData("empty.txt")]
    [InlineData("nul-filled.txt")]
    [InlineData("random.bin")]
    [InlineData("png.png")]
    [InlineData("elf.exe")]
    [InlineData("old-word.doc")]
    [InlineData("plain.zip")]
    public void Binary_and_unknown_files_are_unsupported(string name) =>
        FormatDetector.Detect(HostileSet.Get(name)).ShouldBe(DocumentFormat.Unsupported);

    [Fact]
    public void File_names_are_ignored()
    {
        FormatDetector.Detect(HostileSet.Get("pdf-named.docx")).ShouldBe(DocumentFormat.Pdf);
        FormatDetector.Detect(HostileSet.Get("docx-named.pdf")).ShouldBe(DocumentFormat.Docx);
    }

    [Fact]
    public void Detecting_from_a_stream_leaves_its_position_unchanged()
    {
        using var stream = new MemoryStream(OfficeSamples.Docx([("", "x")]));
        stream.Position = 0;
        FormatDetector.Detect(stream).ShouldBe(DocumentFormat.Docx);
        stream.Position.ShouldBe(0);
    }
}

/// <summary>The hostile corpus, built once per test run.</summary>
public static class HostileSet
{
    private static readonly Lazy<Dictionary<string, byte[]>> Files = new(() => HostileCorpus.All().ToDictionary(f => f.Name, f => f.Content));
    public static byte[] Get(string name) => Files.Value[name];
    public static IEnumerable<string> Names => Files.Value.Keys;
}
