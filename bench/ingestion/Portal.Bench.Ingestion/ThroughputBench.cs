using System.Diagnostics;
using Portal.Documents;
using Portal.Documents.Chunking;
using Portal.Documents.Detection;
using Portal.Documents.Sandbox;

namespace Portal.Bench.Ingestion;

using DocumentFormat = Portal.Documents.DocumentFormat;

internal static class ThroughputBench
{
    public static async Task<int> RunAsync()
    {
        using var corpus = BenchCorpus.Generate();
        var (pdfs, others, totalPages) = (corpus.PdfPaths, corpus.OtherPaths, BenchCorpus.TotalPages);
        Console.WriteLine($"Corpus: {BenchCorpus.Pdfs} PDFs ({totalPages} pages, ~20% Chinese paragraphs), {others.Count} DOCX/HTML files");

        // Raw poppler: one pdftotext per PDF, one at a time.
        var raw = Stopwatch.StartNew();
        foreach (var pdf in pdfs)
        {
            using var process = Process.Start(new ProcessStartInfo("pdftotext", ["-enc", "UTF-8", pdf, "-"]) { RedirectStandardOutput = true })!;
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
        }
        raw.Stop();

        // The pipeline: sandboxed parse (one warm worker, so both sides use one process at a time) + heading-aware chunking.
        using var parser = new SandboxedDocumentParser(new ParserSandboxOptions { MaxWorkers = 1 });
        await parser.ParseAsync(others[1], DocumentFormat.Html, CancellationToken.None); // start the worker outside the timing
        var chunks = 0;
        var pipeline = Stopwatch.StartNew();
        foreach (var pdf in pdfs)
            chunks += await ParseAndChunkAsync(parser, pdf);
        pipeline.Stop();

        var otherChunks = 0;
        var otherTime = Stopwatch.StartNew();
        foreach (var file in others)
            otherChunks += await ParseAndChunkAsync(parser, file);
        otherTime.Stop();

        var rawPagesPerSecond = totalPages / raw.Elapsed.TotalSeconds;
        var pipelinePagesPerSecond = totalPages / pipeline.Elapsed.TotalSeconds;
        Console.WriteLine($"raw pdftotext:     {raw.Elapsed.TotalSeconds,7:F2} s  {rawPagesPerSecond,8:F1} pages/s");
        Console.WriteLine($"pipeline (PDF):    {pipeline.Elapsed.TotalSeconds,7:F2} s  {pipelinePagesPerSecond,8:F1} pages/s  {chunks / pipeline.Elapsed.TotalSeconds,8:F1} chunks/s  ({chunks} chunks)");
        Console.WriteLine($"pipeline (DOCX+HTML): {otherTime.Elapsed.TotalSeconds,4:F2} s  {others.Count / otherTime.Elapsed.TotalSeconds,8:F1} files/s  {otherChunks / otherTime.Elapsed.TotalSeconds,8:F1} chunks/s  ({otherChunks} chunks)");
        Console.WriteLine($"ratio pipeline/raw pdftotext: {pipelinePagesPerSecond / rawPagesPerSecond:F2}");
        return 0;
    }

    private static async Task<int> ParseAndChunkAsync(SandboxedDocumentParser parser, string path)
    {
        var outcome = await parser.ParseAsync(path, FormatDetector.DetectFile(path), CancellationToken.None);
        if (!outcome.Succeeded)
            throw new InvalidOperationException($"{path}: {outcome.Failure}");
        return Chunker.Chunk(outcome.Document, new ChunkingOptions()).Count;
    }
}
