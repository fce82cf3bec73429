using System.Text;
using AngleSharp.Dom;
using Portal.Documents.Parsing.Text;

namespace Portal.Documents.Parsing.Html;

/// <summary>
/// Reads the main content of an HTML page. Traversal is iterative so that a page nested a hundred
/// thousand levels deep cannot overflow the stack.
/// </summary>
internal static class HtmlParser
{
    private static readonly HashSet<string> Dropped = ["script", "style", "noscript", "template", "svg", "iframe", "nav", "aside", "footer", "form", "button", "select", "object", "embed", "canvas", "math"];
    private static readonly HashSet<string> Blocks = ["p", "div", "section", "article", "main", "blockquote", "dd", "dt", "dl", "figcaption", "figure", "address", "ul", "ol", "hr", "header", "details", "summary", "caption", "center"];

    public static ParsedDocument Parse(byte[] content)
    {
        var units = new UnitCollector();
        var html = TextDecoding.Decode(content, units.Warnings);
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        var root = FindMainContent(document) ?? document.Body ?? document.DocumentElement;
        if (root is not null)
            Walk(root, root == document.Body, units);
        return units.Build(DocumentFormat.Html);
    }

    private static IElement? FindMainContent(IDocument document)
    {
        IElement? article = null;
        foreach (var element in Descendants(document.DocumentElement))
        {
            if (element.LocalName == "main" || element.GetAttribute("role") == "main")
                return element;
            article ??= element.LocalName == "article" ? element : null;
        }
        return article;
    }

    private static IEnumerable<IElement> Descendants(IElement root)
    {
        var stack = new Stack<IElement>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var element = stack.Pop();
            yield return element;
            for (var i = element.Children.Length - 1; i >= 0; i--)
                stack.Push(element.Children[i]);
        }
    }

    private static void Walk(IElement root, bool rootIsBody, UnitCollector units)
    {
        var buffer = new StringBuilder();
        var listDepth = 0;
        void Flush(UnitKind kind = UnitKind.Paragraph)
        {
            units.Add(TextNormalizer.CollapseWhitespace(buffer.ToString()), kind);
            buffer.Clear();
        }

        // (node, exiting): elements are visited twice so that blocks can close the text they opened.
        var stack = new Stack<(INode Node, bool Exiting)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (node, exiting) = stack.Pop();
            if (node is IText text)
            {
                buffer.Append(text.Data);
                continue;
            }
            if (node is not IElement element)
                continue;
            var name = element.LocalName;
            if (exiting)
            {
                if (name == "li") { Flush(UnitKind.ListItem); listDepth--; }
                else if (Blocks.Contains(name)) Flush(listDepth > 0 ? UnitKind.ListItem : UnitKind.Paragraph);
                continue;
            }
            if (Dropped.Contains(name) || (rootIsBody && name == "header" && element.ParentElement == root))
                continue;
            if (name is ['h', >= '1' and <= '6'])
            {
                Flush();
                units.AddHeading(name[1] - '0', CollectText(element));
                continue;
            }
            if (name == "table")
            {
                Flush();
                units.AddTable(ReadTable(element));
                continue;
            }
            if (name == "pre")
            {
                Flush();
                units.Add(CollectText(element, preserveWhitespace: true), UnitKind.Code);
                continue;
            }
            if (name == "br")
            {
                buffer.Append('\n');
                continue;
            }
            if (name == "li")
            {
                Flush(UnitKind.ListItem);
                listDepth++;
            }
            else if (Blocks.Contains(name))
                Flush(listDepth > 0 ? UnitKind.ListItem : UnitKind.Paragraph);

            stack.Push((element, true));
            for (var i = element.ChildNodes.Length - 1; i >= 0; i--)
                stack.Push((element.ChildNodes[i], false));
        }
        Flush();
    }

    private static ParsedTable ReadTable(IElement table)
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (var element in Descendants(table))
        {
            if (element.LocalName != "tr")
                continue;
            var cells = element.Children.Where(c => c.LocalName is "td" or "th").Select(c => CollectText(c)).ToList();
            if (cells.Count > 0)
                rows.Add(cells);
        }
        return MarkdownTable.FromRows(rows);
    }

    private static string CollectText(IElement element, bool preserveWhitespace = false)
    {
        var builder = new StringBuilder();
        var stack = new Stack<INode>();
        stack.Push(element);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node is IText text)
                builder.Append(text.Data);
            else if (node is IElement child && !Dropped.Contains(child.LocalName))
            {
                if (child.LocalName == "br") builder.Append('\n');
                for (var i = child.ChildNodes.Length - 1; i >= 0; i--)
                    stack.Push(child.ChildNodes[i]);
            }
        }
        return preserveWhitespace ? builder.ToString() : TextNormalizer.CollapseWhitespace(builder.ToString());
    }
}
