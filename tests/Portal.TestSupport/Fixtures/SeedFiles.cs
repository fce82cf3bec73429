namespace Portal.TestSupport.Fixtures;

/// <summary>One small valid file of every supported format, the seeds of the mutation runs.</summary>
public static class SeedFiles
{
    public static IReadOnlyList<(string Name, byte[] Content)> All() =>
    [
        ("seed.pdf", PdfSamples.TextPdf(TextSamples.EnglishParagraph(1), TextSamples.EnglishParagraph(2))),
        ("seed.docx", OfficeSamples.Docx([("Heading1", "Policy"), ("", TextSamples.EnglishParagraph(3)), ("List", "first item")], [["a", "b"], ["1", "2"]])),
        ("seed.xlsx", OfficeSamples.Xlsx(("Sheet1", [["q", "a"], ["What?", "This."], ["1", "2"]]))),
        ("seed.pptx", OfficeSamples.Pptx(("Intro", "Hello slide"), ("Next", "More text"))),
        ("seed.html", TextSamples.Utf8(TextSamples.Html)),
        ("seed.md", TextSamples.Utf8(TextSamples.Markdown)),
        ("seed.csv", TextSamples.Utf8(TextSamples.Csv)),
        ("seed.txt", TextSamples.Utf8(TextSamples.PlainText + TextSamples.ChineseParagraph(1))),
    ];
}
