using Portal.Documents.Parsing;

namespace Portal.Documents.Chunking;

/// <summary>The document's full text with the offset at which each unit starts.</summary>
internal sealed class DocumentLayout
{
    public DocumentLayout(ParsedDocument document)
    {
        Document = document;
        Units = document.Units;
        FullText = document.FullText();
        UnitStarts = new int[Units.Count];
        var offset = 0;
        for (var i = 0; i < Units.Count; i++)
        {
            UnitStarts[i] = offset;
            offset += Units[i].Text.Length + ParsedDocument.UnitSeparator.Length;
        }
    }

    public ParsedDocument Document { get; }
    public IReadOnlyList<ParsedUnit> Units { get; }
    public string FullText { get; }
    public int[] UnitStarts { get; }

    public int UnitEnd(int unit) => UnitStarts[unit] + Units[unit].Text.Length;

    /// <summary>The unit containing <paramref name="offset"/>, or the one before it when it falls on a separator.</summary>
    public int UnitAt(int offset)
    {
        var index = Array.BinarySearch(UnitStarts, offset);
        return index >= 0 ? index : Math.Max(0, ~index - 1);
    }
}

/// <summary>A [Start, End) span of the full text and its token count.</summary>
internal readonly record struct Piece(int Start, int End, int Tokens);
