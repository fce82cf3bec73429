using System.Text;
using Microsoft.Playwright;
using Portal.E2ETests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2ETests;

/// <summary>
/// Ingestion as a person sees it: a mixed batch dropped on a knowledge base's page goes through the real
/// pipeline, the table follows each document to Indexed, and each document's page shows its chunks.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class UploadTests(BrowserPortal portal)
{
    private static readonly LocatorAssertionsToContainTextOptions Slow = new() { Timeout = 120_000 };

    [Fact]
    public async Task A_mixed_batch_uploaded_in_the_portal_reaches_indexed_and_each_document_shows_its_chunks()
    {
        var page = await portal.NewPersonAsync();
        await page.RegisterAsync(BrowserPortal.NewEmail("uploader"), "Mixed batch");
        await page.GotoAsync("knowledge-bases");
        await page.GetByLabel("Name").FillAsync("Manuals");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(page.GetByText("Manuals").First).ToBeVisibleAsync();
        await page.WaitForInteractiveAsync();

        await page.Locator("#upload-zone input[type=file]").SetInputFilesAsync(new FilePayload[]
        {
            new() { Name = "scan.pdf", MimeType = "application/pdf", Buffer = PdfSamples.ScannedPdf("Invoice number 4711 was paid in full") },
            new()
            {
                Name = "手册.docx", MimeType = "application/octet-stream",
                Buffer = OfficeSamples.Docx([("Heading1", "产品手册"), ("", "这是一个关于知识库的中文段落。"), ("Heading2", "安装"), ("", "请按照以下步骤安装软件。")]),
            },
            new()
            {
                Name = "release.html", MimeType = "text/html",
                Buffer = Encoding.UTF8.GetBytes("<html><body><nav>menu</nav><main><h1>Release notes</h1><p>Version two adds drag and drop uploads.</p></main><script>alert(1)</script></body></html>"),
            },
            new() { Name = "prices.xlsx", MimeType = "application/octet-stream", Buffer = OfficeSamples.Xlsx(("Prices", [["item", "price"], ["apple", "3"], ["pear", "4"]])) },
        });
        foreach (var name in new[] { "scan.pdf", "手册.docx", "release.html", "prices.xlsx" })
        {
            await Expect(page.Locator("#documents tr", new() { HasText = name })).ToContainTextAsync("Indexed", Slow);
            // The upload list follows the same live status as the table.
            await Expect(page.Locator("#upload-progress .upload-row", new() { HasText = name })).ToContainTextAsync("Indexed");
        }

        await page.GetByRole(AriaRole.Link, new() { Name = "scan.pdf" }).ClickAsync();
        var ocrChunk = page.Locator("tbody tr", new() { HasText = "4711" });
        await Expect(ocrChunk).ToContainTextAsync("yes");
        await page.GoBackAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "手册.docx" }).ClickAsync();
        await Expect(page.Locator("tbody tr", new() { HasText = "安装软件" })).ToContainTextAsync("产品手册 › 安装");
        await page.GoBackAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "release.html" }).ClickAsync();
        var chunks = page.Locator("pre.chunk-text");
        await Expect(chunks.First).ToContainTextAsync("drag and drop");
        (await chunks.AllInnerTextsAsync()).ShouldAllBe(t => !t.Contains("alert(1)") && !t.Contains("menu"));
        await page.GoBackAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "prices.xlsx" }).ClickAsync();
        await Expect(page.Locator("pre.chunk-text").First).ToContainTextAsync("apple");
    }
}
