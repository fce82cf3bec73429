namespace Portal.Documents.Parsing;

public interface IDocumentParser
{
    /// <summary>Parses a file whose format was decided by <see cref="Detection.FormatDetector"/>. Never throws for a bad file.</summary>
    Task<ParseOutcome> ParseAsync(string filePath, DocumentFormat format, CancellationToken cancellationToken);
}
