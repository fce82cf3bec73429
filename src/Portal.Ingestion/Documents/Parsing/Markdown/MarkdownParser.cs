using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Portal.Documents.Parsing.Text;

namespace Portal.Documents.Parsing.Markdown;

/// <summary>Reads Markdown into the heading tree; code blocks and tables are kept as Markdown.</summary>
internal static class MarkdownParser
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().Build();

    public static ParsedDocument Parse(byte[] content)
    {
        var units = new UnitCollector();
        var source = TextNormalizer.NormalizeNewlines(TextDecoding.Decode(content, units.Warnings));
        var document = Markdig.Markdown.Parse(source, Pipeline);

        var stack = new Stack<(Block Block, bool InList)>();
        for (var i = document.Count - 1; i >= 0; i--)
            stack.Push((document[i], false));
        while (stack.Count > 0)
        {
            var (block, inList) = stack.Pop();
            switch (block)
            {
                case HeadingBlock heading:
                    units.AddHeading(heading.Level, InlineText(heading.Inline));
                    break;
                case ParagraphBlock paragraph:
                    units.Add(InlineText(paragraph.Inline), inList ? UnitKind.ListItem : UnitKind.Paragraph);
                    break;
                case FencedCodeBlock fenced:
                    units.Add($"```{fenced.Info}\n{fenced.Lines}\n```", UnitKind.Code);
                    break;
                case CodeBlock code:
                    units.Add($"```\n{code.Lines}\n```", UnitKind.Code);
                    break;
                case Table table:
                    units.AddTable(ReadTable(table));
                    break;
                case ContainerBlock container:
                    var listed = inList || container is ListBlock or ListItemBlock;
                    for (var i = container.Count - 1; i >= 0; i--)
                        stack.Push((container[i], listed));
                    break;
            }
        }
        return units.Build(DocumentFormat.Markdown);
    }

    private static ParsedTable ReadTable(Table table)
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (var row in table.OfType<TableRow>())
        {
            rows.Add(row.OfType<TableCell>()
                .Select(cell => string.Join(" ", cell.OfType<ParagraphBlock>().Select(p => InlineText(p.Inline))))
                .ToList());
        }
        return MarkdownTable.FromRows(rows);
    }

    private static string InlineText(ContainerInline? root)
    {
        if (root is null)
            return "";
        var builder = new StringBuilder();
        var stack = new Stack<Inline>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            switch (stack.Pop())
            {
                case LiteralInline literal: builder.Append(literal.Content.AsSpan()); break;
                case CodeInline code: builder.Append('`').Append(code.Content).Append('`'); break;
                case LineBreakInline: builder.Append('\n'); break;
                case AutolinkInline link: builder.Append(link.Url); break;
                case ContainerInline container:
                    var children = new List<Inline>();
                    for (var child = container.FirstChild; child is not null; child = child.NextSibling)
                        children.Add(child);
                    for (var i = children.Count - 1; i >= 0; i--)
                        stack.Push(children[i]);
                    break;
            }
        }
        return builder.ToString();
    }
}
