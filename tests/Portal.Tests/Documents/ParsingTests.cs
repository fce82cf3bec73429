using Portal.Documents;
using Portal.Documents.Detection;
using Portal.Documents.Parsing;

namespace Portal.Tests.Documents;

using DocumentFormat = Portal.Documents.DocumentFormat;

public class ParsingTests : IDisposable
{
    private readonly TempDirectory temp = new();

    private ParseOutcome Parse(string name, byte[] content, ParserSettings? settings = null)
    {
        var path = temp.Write(name, content);
        return DocumentParsers.Parse(path, FormatDetector.DetectFile(path), settings ?? ParserSettings.Default, CancellationToken.None);
    }

    private ParsedDocument ParseOk(string name, byte[] content)
    {
        var outcome = Parse(name, content);
        outcome.Failure.ShouldBeNull();
        return outcome.Document!;
    }

    [Fact]
    public void Pdf_text_pages_become_paragraphs_that_know_their_page()
    {
        var document = ParseOk("a.pdf", PdfSamples.TextPdf("First page text here.", "Second page says hello."));
        document.PageCount.ShouldBe(2);
        document.Units.ShouldContain(u => u.Page == 2 && u.Text.Contains("Second page says hello.") && !u.IsOcr);
    }

    [Fact]
    public void A_chinese_pdf_text_layer_reads_back_as_chinese()
    {
        if (!SampleFonts.ChineseAvailable)
            return; // building the sample needs a CJK TrueType font (Debian: fonts-wqy-zenhei)
        var document = ParseOk("zh.pdf", PdfSamples.TextPdf("知识库支持中文文档。"));
        document.FullText().ShouldContain("知识库支持中文文档。");
    }

    [Fact]
    public void A_scanned_pdf_page_is_read_with_ocr_next_to_a_text_page()
    {
        var document = ParseOk("scan.pdf", PdfSamples.ScannedPdf("Quarterly revenue grew strongly", textPageBefore: "This page has a real text layer."));
        document.Units.ShouldContain(u => u.Page == 1 && !u.IsOcr);
        var ocr = document.Units.Where(u => u.Page == 2).ToList();
        ocr.ShouldNotBeEmpty();
        ocr.ShouldAllBe(u => u.IsOcr);
        string.Join(" ", ocr.Select(u => u.Text)).ShouldContain("revenue", Case.Insensitive);
    }

    [Fact]
    public void An_encrypted_pdf_fails_with_a_clear_reason()
    {
        var pdf = PdfSamples.Build([doc =>
        {
            PdfSamples.AddTextPage(doc, "secret");
            doc.SecuritySettings.UserPassword = "user";
            doc.SecuritySettings.OwnerPassword = "owner";
        }]);
        var outcome = Parse("locked.pdf", pdf);
        outcome.Failure!.Reason.ShouldBe(ParseFailureReason.Encrypted);
        outcome.Failure.Message.ShouldBe("The PDF is encrypted; upload an unprotected copy.");
    }

    [Fact]
    public void A_chinese_word_document_keeps_its_chinese_text_and_heading_path()
    {
        var document = ParseOk("zh.docx", OfficeSamples.Docx([("Title", "员工手册"), ("Heading1", "休假制度"), ("", "员工每年享有十五天带薪年假。"), ("List", "提前两周申请")]));
        var paragraph = document.Units.Single(u => u.Text == "员工每年享有十五天带薪年假。");
        paragraph.HeadingPath.ShouldBe(["员工手册", "休假制度"]);
        document.Units.ShouldContain(u => u.Kind == UnitKind.ListItem && u.Text == "提前两周申请");
    }

    [Fact]
    public void Word_tables_become_markdown_tables()
    {
        var document = ParseOk("t.docx", OfficeSamples.Docx([("Heading2", "Prices")], [["Item", "Price"], ["Tea", "3"]]));
        var table = document.Units.Single(u => u.Kind == UnitKind.Table);
        table.Text.ShouldBe("| Item | Price |\n| --- | --- |\n| Tea | 3 |");
        table.HeadingPath.ShouldBe(["Prices"]);
    }

    [Fact]
    public void Each_sheet_becomes_a_table_under_its_name()
    {
        var document = ParseOk("s.xlsx", OfficeSamples.Xlsx(("Staff", [["Name", "Age"], ["Ann", "31"]]), ("Rooms", [["Room"], ["A1"]])));
        var tables = document.Units.Where(u => u.Kind == UnitKind.Table).ToList();
        tables.Count.ShouldBe(2);
        tables[0].HeadingPath.ShouldBe(["Staff"]);
        tables[0].Table!.Header.ShouldBe(["Name", "Age"]);
        tables[0].Table!.Rows[0].ShouldBe(["Ann", "31"]);
    }

    [Fact]
    public void Each_slide_is_one_unit_numbered_as_its_page()
    {
        var document = ParseOk("p.pptx", OfficeSamples.Pptx(("Welcome", "Agenda for today"), ("Results", "Revenue up")));
        document.Units.Select(u => (u.Page, u.Kind)).ShouldBe([(1, UnitKind.Slide), (2, UnitKind.Slide)]);
        document.Units[1].HeadingPath.ShouldBe(["Results"]);
        document.Units[1].Text.ShouldContain("Revenue up");
    }

    [Fact]
    public void Html_keeps_the_main_content_and_drops_navigation_and_scripts()
    {
        var document = ParseOk("page.html", TextSamples.Utf8(TextSamples.Html));
        var text = document.FullText();
        text.ShouldContain("Ask your manager.");
        text.ShouldNotContain("Home");
        text.ShouldNotContain("Copyright");
        text.ShouldNotContain("alert");
        document.Units.Single(u => u.Text == "Ask your manager.").HeadingPath.ShouldBe(["Handbook", "Leave"]);
        document.Units.ShouldContain(u => u.Kind == UnitKind.Table && u.Text.StartsWith("| Days | Type |"));
    }

    [Fact]
    public void Markdown_keeps_headings_code_and_tables()
    {
        var document = ParseOk("r.md", TextSamples.Utf8(TextSamples.Markdown));
        document.Units.Single(u => u.Kind == UnitKind.Code).Text.ShouldBe("```bash\nmake install\n```");
        document.Units.Single(u => u.Text == "step two").HeadingPath.ShouldBe(["Guide", "Install"]);
        document.Units.Single(u => u.Kind == UnitKind.Table).HeadingPath.ShouldBe(["Guide", "Use"]);
    }

    [Fact]
    public void Csv_rows_become_a_table_with_its_header()
    {
        var table = ParseOk("c.csv", TextSamples.Utf8(TextSamples.Csv)).Units.Single().Table!;
        table.Header.ShouldBe(["name", "city", "age"]);
        table.Rows[1].ShouldBe(["Bob", "Berlin, DE", "41"]);
        table.Rows[2][1].ShouldBe("上海");
    }

    [Fact]
    public void Plain_text_is_split_into_paragraphs() =>
        ParseOk("t.txt", TextSamples.Utf8(TextSamples.PlainText)).Units.Select(u => u.Text)
            .ShouldBe(["First paragraph line one.\nLine two.", "Second paragraph."]);

    [Fact]
    public void A_zip_bomb_is_refused_before_it_is_inflated()
    {
        var outcome = Parse("bomb.docx", HostileSet.Get("zip-bomb.docx"));
        outcome.Failure!.Reason.ShouldBe(ParseFailureReason.ArchiveBomb);
        outcome.Failure.Kind.ShouldBe(ParseFailureKind.Fatal);
    }

    [Fact]
    public void A_file_over_the_size_limit_is_refused()
    {
        var settings = ParserSettings.Default with { Limits = new IngestionLimits { MaxFileBytes = 10 } };
        Parse("big.txt", TextSamples.Utf8(TextSamples.PlainText), settings).Failure!.Reason.ShouldBe(ParseFailureReason.TooLarge);
    }

    public void Dispose() => temp.Dispose();
}
