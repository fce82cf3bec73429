using Portal.Documents;
using Portal.Documents.Parsing;
using Portal.Documents.Parsing.Pdf;

namespace Portal.Tests.Documents;

/// <summary>
/// How a PDF's page count, encryption and failures come out of poppler: from pdftotext's form feeds on a clean
/// run, from pdfinfo whenever that could be wrong.
/// </summary>
public class PdfParsingTests : IDisposable
{
    // OCR off: these tests are about pages and diagnoses, and empty pages would otherwise be sent to tesseract.
    private static readonly ParserSettings TextOnly = ParserSettings.Default with { Ocr = new OcrOptions { Enabled = false } };
    private readonly TempDirectory temp = new();

    private ParsedDocument Parse(byte[] pdf, ParserSettings? settings = null) =>
        PdfParser.Parse(temp.Write("file.pdf", pdf), settings ?? TextOnly, CancellationToken.None);

    private DocumentRejectedException Reject(byte[] pdf) => Should.Throw<DocumentRejectedException>(() => Parse(pdf));

    [Fact]
    public void The_page_count_includes_empty_pages_at_the_end()
    {
        var pdf = PdfSamples.Build([doc => PdfSamples.AddTextPage(doc, TextSamples.EnglishParagraph(1)), doc => doc.AddPage(), doc => doc.AddPage()]);
        var document = Parse(pdf);
        document.PageCount.ShouldBe(3);
        document.Units.ShouldAllBe(u => u.Page == 1);
        document.Warnings.ShouldBeEmpty();
    }

    [Fact]
    public void A_document_made_only_of_empty_pages_keeps_its_page_count()
    {
        var document = Parse(PdfSamples.Build([doc => doc.AddPage(), doc => doc.AddPage()]));
        document.PageCount.ShouldBe(2);
        document.Units.ShouldBeEmpty();
    }

    [Fact]
    public void A_clean_pdftotext_run_below_the_page_limit_is_enough_on_its_own()
    {
        PdfParser.NeedsPdfInfo(new NativeToolResult(0, "one\fthree\f", ""), formFeeds: 2, maxPages: 10).ShouldBeFalse();
    }

    [Theory]
    [InlineData(1, "", 2)]                                       // pdftotext failed
    [InlineData(0, "Syntax Error: Loop in Pages tree\n", 2)]    // a page poppler could not load has no form feed
    [InlineData(0, "", 0)]                                       // no page was read
    [InlineData(0, "", 10)]                                      // stopped at the limit: the total is unknown
    public void Pdfinfo_is_asked_when_pdftotext_alone_may_miscount(int exitCode, string stderr, int formFeeds)
    {
        PdfParser.NeedsPdfInfo(new NativeToolResult(exitCode, new string('\f', formFeeds), stderr), formFeeds, maxPages: 10).ShouldBeTrue();
    }

    [Fact]
    public void The_page_limit_warning_states_the_total_page_count()
    {
        var settings = TextOnly with { Limits = new IngestionLimits { MaxPages = 2 } };
        var document = Parse(PdfSamples.TextPdf("First page.", "Second page.", "Third page.", "Fourth page.", "Fifth page."), settings);
        document.PageCount.ShouldBe(5);
        document.Units.Select(u => u.Page).Distinct().ShouldBe([1, 2]);
        document.Warnings.ShouldBe(["Only the first 2 of 5 pages were read."]);
    }

    [Fact]
    public void A_pdf_with_an_owner_password_only_is_read_with_a_warning()
    {
        var pdf = PdfSamples.Build([doc =>
        {
            PdfSamples.AddTextPage(doc, "Readable without a password.");
            doc.SecuritySettings.OwnerPassword = "owner";
        }]);
        var document = Parse(pdf);
        document.FullText().ShouldContain("Readable without a password.");
        document.Warnings.ShouldBe(["The PDF is encrypted with an owner password only; its text was readable without one."]);
    }

    [Fact]
    public void A_pdf_with_a_user_password_is_rejected_as_encrypted()
    {
        var pdf = PdfSamples.Build([doc =>
        {
            PdfSamples.AddTextPage(doc, "secret");
            doc.SecuritySettings.UserPassword = "user";
        }]);
        var rejected = Reject(pdf);
        rejected.Reason.ShouldBe(ParseFailureReason.Encrypted);
        rejected.Message.ShouldBe("The PDF is encrypted; upload an unprotected copy.");
    }

    [Fact]
    public void A_truncated_pdf_is_rejected_as_malformed_with_the_tools_diagnosis()
    {
        var pdf = PdfSamples.TextPdf(TextSamples.EnglishParagraph(3));
        var rejected = Reject(pdf[..(pdf.Length / 2)]);
        rejected.Reason.ShouldBe(ParseFailureReason.Malformed);
        rejected.Message.ShouldStartWith("Malformed PDF: pdfinfo failed with exit code 1");
    }

    [Fact]
    public void A_pdf_without_pages_is_rejected_as_malformed()
    {
        var pdf = HostileCorpus.RawPdf("<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>");
        Reject(pdf).Reason.ShouldBe(ParseFailureReason.Malformed);
    }

    [Fact]
    public void A_page_poppler_cannot_load_still_counts_as_a_page()
    {
        var pdf = HostileCorpus.RawPdf("<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [2 0 R] /Count 1 >>");
        var document = Parse(pdf);
        document.PageCount.ShouldBe(1);
        document.Units.ShouldBeEmpty();
    }

    [Fact]
    public void Only_a_file_that_names_an_encrypt_dictionary_may_be_encrypted()
    {
        // The marker straddles the 64 KiB read boundary, so a split across two reads must still be found.
        var marker = "/Encrypt"u8.ToArray();
        var bytes = new byte[200_000];
        marker.CopyTo(bytes, 64 * 1024 - 3);
        PdfInfo.MayBeEncrypted(temp.Write("split.pdf", bytes)).ShouldBeTrue();
        PdfInfo.MayBeEncrypted(temp.Write("plain.pdf", PdfSamples.TextPdf("Nothing to hide."))).ShouldBeFalse();
    }

    public void Dispose() => temp.Dispose();
}
