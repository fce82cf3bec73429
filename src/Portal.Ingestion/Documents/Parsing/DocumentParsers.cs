using Portal.Documents.Parsing.Html;
using Portal.Documents.Parsing.Markdown;
using Portal.Documents.Parsing.Office;
using Portal.Documents.Parsing.Pdf;
using Portal.Documents.Parsing.Text;

namespace Portal.Documents.Parsing;

/// <summary>
/// Parses in the current process. Only the sandboxed child calls this for uploads; the host uses
/// <see cref="Sandbox.SandboxedDocumentParser"/> so that a hostile file cannot take it down.
/// </summary>
internal static class DocumentParsers
{
    public static ParseOutcome Parse(string path, DocumentFormat format, ParserSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            var length = new FileInfo(path).Length;
            if (length > settings.Limits.MaxFileBytes)
                return ParseOutcome.Fatal(ParseFailureReason.TooLarge, $"The file is {length:N0} bytes; the limit is {settings.Limits.MaxFileBytes:N0}.");
            return ParseOutcome.Success(ParseByFormat(path, format, settings, cancellationToken));
        }
        catch (DocumentRejectedException e)
        {
            return ParseOutcome.Fatal(e.Reason, e.Message);
        }
        catch (OutOfMemoryException)
        {
            return ParseOutcome.Fatal(ParseFailureReason.MemoryLimit, "Parsing the file needed more memory than the parser is allowed.");
        }
        catch (InsufficientExecutionStackException)
        {
            return ParseOutcome.Fatal(ParseFailureReason.Malformed, "Malformed file: its structure is nested too deeply.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return ParseOutcome.Fatal(ParseFailureReason.Malformed, $"Malformed file: {e.GetType().Name}: {e.Message}");
        }
    }

    private static ParsedDocument ParseByFormat(string path, DocumentFormat format, ParserSettings settings, CancellationToken cancellationToken)
    {
        switch (format)
        {
            case DocumentFormat.Pdf:
                return PdfParser.Parse(path, settings, cancellationToken);
            case DocumentFormat.Docx or DocumentFormat.Xlsx or DocumentFormat.Pptx:
                using (var package = File.OpenRead(path))
                {
                    ArchiveBombGuard.Check(package, settings.Limits);
                    return format switch
                    {
                        DocumentFormat.Docx => DocxParser.Parse(package),
                        DocumentFormat.Xlsx => XlsxParser.Parse(package, settings.Limits),
                        _ => PptxParser.Parse(package),
                    };
                }
            case DocumentFormat.Html:
                return HtmlParser.Parse(File.ReadAllBytes(path));
            case DocumentFormat.Markdown:
                return MarkdownParser.Parse(File.ReadAllBytes(path));
            case DocumentFormat.Csv:
                return CsvParser.Parse(File.ReadAllBytes(path), settings.Limits);
            case DocumentFormat.PlainText:
                return PlainTextParser.Parse(File.ReadAllBytes(path));
            default:
                throw new DocumentRejectedException(ParseFailureReason.Unsupported, "The file's format is not supported.");
        }
    }
}
