
namespace Portal.Bench.Ingestion;

/// <summary>
/// The generated corpus both throughput benchmarks use: 12 PDFs × 45 pages (4 paragraphs per page, ~20%
/// Chinese), 20 DOCX files (30 paragraphs, a heading every 6) and 20 HTML pages (30 sections).
/// </summary>
internal sealed class BenchCorpus : IDisposable
{
    public const int Pdfs = 12;
    public const int PagesPerPdf = 45;
    public const int TotalPages = Pdfs * PagesPerPdf;

    private readonly TempDirectory _temp = new();

    public List<string> PdfPaths { get; } = [];
    public List<string> OtherPaths { get; } = [];

    public static BenchCorpus Generate()
    {
        var corpus = new BenchCorpus();
        for (var i = 0; i < Pdfs; i++)
        {
            var pages = Enumerable.Range(0, PagesPerPdf).Select(p => string.Join("\n\n", Enumerable.Range(0, 4)
                .Select(k => (p + k) % 5 == 0 ? TextSamples.ChineseParagraph(p * 10 + k) : TextSamples.EnglishParagraph(p * 10 + k)))).ToArray();
            // The document number on the first page keeps every PDF's bytes (and so its content hash) distinct.
            pages[0] = $"Report {i}\n\n" + pages[0];
            corpus.PdfPaths.Add(corpus._temp.Write($"doc{i}.pdf", PdfSamples.TextPdf(pages)));
        }
        for (var i = 0; i < 20; i++)
        {
            corpus.OtherPaths.Add(corpus._temp.Write($"doc{i}.docx", OfficeSamples.Docx(
                new[] { ("Heading1", $"Handbook {i}") }.Concat(Enumerable.Range(0, 30).Select(k => (k % 6 == 0 ? "Heading1" : "",
                    k % 2 == 0 ? TextSamples.EnglishParagraph(k) : TextSamples.ChineseParagraph(k)))))));
            corpus.OtherPaths.Add(corpus._temp.Write($"page{i}.html", TextSamples.Utf8($"<html><body><main><h1>Page {i}</h1>"
                + string.Concat(Enumerable.Range(0, 30).Select(k => $"<h2>Part {k}</h2><p>{TextSamples.EnglishParagraph(k)}</p>")) + "</main></body></html>")));
        }
        return corpus;
    }

    public void Dispose() => _temp.Dispose();
}
