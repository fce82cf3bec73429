using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Portal.Web.Features.Search;

/// <summary>
/// Marks matched terms in a chunk for display. Matches are found on the raw text, then every
/// segment is HTML-encoded on its own and only our <c>&lt;mark&gt;</c> tags are added, so text
/// from a document can never become markup.
/// </summary>
internal static class MatchHighlighter
{
    // Every script passes through readable; <, >, &, quotes are still encoded.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static string Highlight(string text, IEnumerable<string> terms)
    {
        var marked = new bool[text.Length];
        foreach (var term in terms.Where(t => t.Length > 0).Distinct())
            for (var at = text.IndexOf(term, StringComparison.OrdinalIgnoreCase); at >= 0;
                 at = text.IndexOf(term, at + term.Length, StringComparison.OrdinalIgnoreCase))
                Array.Fill(marked, true, at, term.Length);

        var html = new StringBuilder(text.Length + 64);
        for (var start = 0; start < text.Length;)
        {
            var end = start;
            while (end < text.Length && marked[end] == marked[start]) end++;
            var encoded = Encoder.Encode(text[start..end]);
            html.Append(marked[start] ? $"<mark>{encoded}</mark>" : encoded);
            start = end;
        }
        return html.ToString();
    }
}
