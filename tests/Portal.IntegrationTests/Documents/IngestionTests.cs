using System.Net;
using System.Text;
using System.Text.Json;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Documents;

[Collection(DatabaseCollection.Name)]
public sealed class IngestionTests(SharedApp app)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_mixed_batch_of_scanned_pdf_chinese_docx_html_and_xlsx_is_indexed_with_pages_headings_and_ocr()
    {
        var owner = await app.RegisterAsync();
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(owner.Client, new { strategy = "heading", chunkSize = 200, chunkOverlap = 20 });
        var uploaded = await DocumentApi.UploadOkAsync(owner.Client, kb,
            ("scan.pdf", PdfSamples.ScannedPdf("Invoice number 4711 was paid in full")),
            ("notes.docx", OfficeSamples.Docx([("Heading1", "产品手册"), ("", "这是一个关于知识库的中文段落。"), ("Heading2", "安装"), ("", "请按照以下步骤安装软件。")])),
            ("page.html", Encoding.UTF8.GetBytes("<html><body><main><h1>Release notes</h1><p>Version two adds drag and drop uploads.</p></main></body></html>")),
            ("sheet.xlsx", OfficeSamples.Xlsx(("Prices", [["item", "price"], ["apple", "3"], ["pear", "4"]]))));
        uploaded.Count.ShouldBe(4);
        uploaded.ShouldAllBe(d => d.Status == "Queued" && d.DuplicateOf == null);

        var done = await DocumentApi.WaitAsync(owner.Client, uploaded.Select(u => u.Id), Timeout);
        done.Values.ShouldAllBe(d => d.GetProperty("status").GetString() == "Indexed", string.Join("\n", done.Values.Select(d => d.GetRawText())));
        var byName = uploaded.ToDictionary(u => u.Name, u => u.Id);

        var scan = await DocumentApi.ChunksAsync(owner.Client, byName["scan.pdf"]);
        scan.ShouldContain(c => c.GetProperty("isOcr").GetBoolean() && c.GetProperty("page").GetInt32() == 1);
        string.Join(" ", scan.Select(c => c.GetProperty("text").GetString())).ShouldContain("4711");

        var docx = await DocumentApi.ChunksAsync(owner.Client, byName["notes.docx"]);
        docx.ShouldContain(c => c.GetProperty("text").GetString()!.Contains("安装软件")
            && c.GetProperty("headingPath").EnumerateArray().Select(h => h.GetString()).Contains("安装"));

        var html = await DocumentApi.ChunksAsync(owner.Client, byName["page.html"]);
        html.ShouldContain(c => c.GetProperty("text").GetString()!.Contains("drag and drop"));

        var xlsx = await DocumentApi.ChunksAsync(owner.Client, byName["sheet.xlsx"]);
        xlsx.ShouldContain(c => c.GetProperty("text").GetString()!.Contains("apple"));

        var pdf = done[byName["scan.pdf"]];
        pdf.GetProperty("pageCount").GetInt32().ShouldBe(1);
        pdf.GetProperty("version").GetInt32().ShouldBe(1);
        pdf.GetProperty("chunkCount").GetInt32().ShouldBe(scan.Count);
        pdf.GetProperty("timings").GetProperty("totalMs").GetInt64().ShouldBeGreaterThan(0);
        pdf.GetProperty("format").GetString().ShouldBe("pdf");
    }

    [Fact]
    public async Task Uploading_the_same_bytes_again_reports_the_existing_document_and_indexes_nothing_twice()
    {
        var owner = await app.RegisterAsync();
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(owner.Client);
        var bytes = Encoding.UTF8.GetBytes("# Duplicates\n\nThe same file uploaded twice is stored once.\n");
        var first = (await DocumentApi.UploadOkAsync(owner.Client, kb, ("a.md", bytes))).Single();
        await DocumentApi.WaitAsync(owner.Client, [first.Id], Timeout);

        var again = await DocumentApi.UploadOkAsync(owner.Client, kb, ("renamed.md", bytes), ("copy.md", bytes));
        again.ShouldAllBe(d => d.DuplicateOf == first.Id && d.Id == first.Id && d.Status == "Indexed");
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM documents WHERE knowledge_base_id = '{kb}'")).ShouldBe(1);
    }

    [Fact]
    public async Task An_oversized_file_is_refused_with_413_problem_details()
    {
        await using var small = new PortalApp(app.Database, new Dictionary<string, string?> { ["Ingestion:Limits:MaxFileBytes"] = "1024" });
        var owner = await small.RegisterAsync();
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(owner.Client);
        var response = await DocumentApi.UploadAsync(owner.Client, kb, ("big.txt", Encoding.UTF8.GetBytes(new string('a', 4096))));
        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync()).ShouldContain("urn:portal:problem:file-too-large");
    }

    [Theory]
    [InlineData("image.png")]
    [InlineData("random.pdf")]
    public async Task A_file_that_is_not_a_supported_document_is_refused_with_415_whatever_its_name(string name)
    {
        var owner = await app.RegisterAsync();
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(owner.Client);
        byte[] content = name.EndsWith(".png") ? [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. new byte[256]] : RandomBytes(4096);
        var response = await DocumentApi.UploadAsync(owner.Client, kb, (name, content));
        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        (await response.Content.ReadAsStringAsync()).ShouldContain("urn:portal:problem:unsupported-file-type");
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM documents WHERE knowledge_base_id = '{kb}'")).ShouldBe(0);
    }

    [Fact]
    public async Task Hostile_files_end_failed_with_a_reason_while_the_app_keeps_serving()
    {
        var owner = await app.RegisterAsync();
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(owner.Client);
        var valid = PdfSamples.TextPdf(TextSamples.EnglishParagraph(3));
        var docx = OfficeSamples.Docx([("Heading1", "Title"), ("", "Body text")]);
        var uploaded = await DocumentApi.UploadOkAsync(owner.Client, kb,
            ("truncated.pdf", valid[..(valid.Length / 2)]), ("zip-bomb.docx", HostileCorpus.ZipBomb(docx, 24L * 1024 * 1024)));
        var done = await DocumentApi.WaitAsync(owner.Client, uploaded.Select(u => u.Id), Timeout);
        foreach (var document in done.Values)
        {
            document.GetProperty("status").GetString().ShouldBe("Failed", document.GetRawText());
            document.GetProperty("errorReason").GetString().ShouldNotBeNullOrEmpty();
            document.GetProperty("error").GetString().ShouldNotBeNullOrEmpty();
        }
        (await owner.Client.GetAsync("/api/v1/knowledge-bases")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    internal static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(42).NextBytes(bytes);
        return bytes;
    }

    internal static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;
}
