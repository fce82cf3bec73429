using Portal.Documents.Parsing.Text;

namespace Portal.Documents.Detection;

/// <summary>Decides whether bytes are text at all, and then whether that text is HTML, CSV, Markdown or plain.</summary>
internal static class TextSniffer
{
    public static DocumentFormat Sniff(ReadOnlySpan<byte> sample, bool isWholeFile)
    {
        var text = TextDecoding.TryDecodeSample(sample, isWholeFile);
        if (text is null)
            return DocumentFormat.Unsupported;
        if (string.IsNullOrWhiteSpace(text))
            return DocumentFormat.PlainText;
        if (LooksLikeHtml(text))
            return DocumentFormat.Html;
        if (MarkdownScore(text) >= 4)
            return DocumentFormat.Markdown;
        if (CsvDialect.Detect(text, isWholeFile) is not null)
            return DocumentFormat.Csv;
        return DocumentFormat.PlainText;
    }

    internal static bool LooksLikeHtml(string text)
    {
        var head = text.AsSpan(0, Math.Min(text.Length, 2048)).TrimStart();
        ReadOnlySpan<string> openers = ["<!doctype html", "<html", "<head", "<body"];
        foreach (var opener in openers)
        {
            if (head.StartsWith(opener, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        // A leading comment or XML declaration may precede the document element.
        if (head.StartsWith("<!--", StringComparison.Ordinal) || head.StartsWith("<?xml", StringComparison.Ordinal))
            return head.Contains("<html", StringComparison.OrdinalIgnoreCase);
        return false;
    }

    internal static int MarkdownScore(string text)
    {
        var score = 0;
        var lines = 0;
        foreach (var rawLine in text.AsSpan().EnumerateLines())
        {
            if (++lines > 400)
                break;
            var line = rawLine.TrimStart();
            if (line.Length == 0)
                continue;
            if (IsAtxHeading(line)) score += 3;
            else if (line.StartsWith("```") || line.StartsWith("~~~")) score += 3;
            else if (line.StartsWith("> ")) score += 1;
            else if (IsListItem(line)) score += 1;
            else if (line.StartsWith("|") && line.Contains("---", StringComparison.Ordinal)) score += 3;
            if (line.Contains("](", StringComparison.Ordinal) && line.Contains('[')) score += 2;
            if (line.Contains("**", StringComparison.Ordinal)) score += 1;
        }
        return score;
    }

    private static bool IsAtxHeading(ReadOnlySpan<char> line)
    {
        var hashes = 0;
        while (hashes < line.Length && line[hashes] == '#')
            hashes++;
        return hashes is >= 1 and <= 6 && hashes < line.Length && line[hashes] == ' ';
    }

    private static bool IsListItem(ReadOnlySpan<char> line)
    {
        if (line.Length >= 2 && line[0] is '-' or '*' or '+' && line[1] == ' ')
            return true;
        var digits = 0;
        while (digits < line.Length && char.IsAsciiDigit(line[digits]))
            digits++;
        return digits is > 0 and < 4 && digits + 1 < line.Length && line[digits] is '.' or ')' && line[digits + 1] == ' ';
    }
}
