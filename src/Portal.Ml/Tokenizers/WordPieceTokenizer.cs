using System.Globalization;
using System.Text;

namespace Portal.Ml.Tokenizers;

public sealed record WordPieceOptions
{
    public bool LowerCase { get; init; } = true;

    /// <summary>Null follows <see cref="LowerCase"/>, as BERT's <c>strip_accents</c> does.</summary>
    public bool? StripAccents { get; init; }

    /// <summary>Put spaces around CJK ideographs so each becomes its own word (BERT's <c>tokenize_chinese_chars</c>).</summary>
    public bool TokenizeChineseChars { get; init; } = true;
    public int MaxInputCharsPerWord { get; init; } = 100;
    public string UnknownToken { get; init; } = "[UNK]";
    public string ClassifierToken { get; init; } = "[CLS]";
    public string SeparatorToken { get; init; } = "[SEP]";
    public string PadToken { get; init; } = "[PAD]";
    public string MaskToken { get; init; } = "[MASK]";
}

/// <summary>
/// BERT's tokenizer over <c>vocab.txt</c>: the basic tokenizer (clean control characters, split CJK ideographs, optional
/// lower-casing and accent stripping, whitespace and punctuation splitting), then greedy longest-match-first
/// WordPiece with <c>##</c> continuations; a word longer than the limit or with no match is <c>[UNK]</c>.
/// </summary>
public sealed class WordPieceTokenizer : ITokenizer
{
    private readonly Dictionary<string, int> vocabulary;
    private readonly string[] idToToken;
    private readonly HashSet<int> specialIds;
    private readonly bool stripAccents;

    public WordPieceTokenizer(IReadOnlyList<string> vocabularyLines, WordPieceOptions? options = null)
    {
        Options = options ?? new WordPieceOptions();
        vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < vocabularyLines.Count; i++)
            vocabulary.TryAdd(vocabularyLines[i], i);
        idToToken = vocabularyLines.ToArray();
        stripAccents = Options.StripAccents ?? Options.LowerCase;
        UnknownTokenId = vocabulary.TryGetValue(Options.UnknownToken, out var unk) ? unk : throw new InvalidDataException($"vocab.txt has no {Options.UnknownToken}");
        ClassifierTokenId = vocabulary.GetValueOrDefault(Options.ClassifierToken, unk);
        SeparatorTokenId = vocabulary.GetValueOrDefault(Options.SeparatorToken, unk);
        PadTokenId = vocabulary.TryGetValue(Options.PadToken, out var pad) ? pad : null;
        specialIds = new[] { Options.UnknownToken, Options.ClassifierToken, Options.SeparatorToken, Options.PadToken, Options.MaskToken }
            .Where(vocabulary.ContainsKey).Select(t => vocabulary[t]).ToHashSet();
    }

    public static WordPieceTokenizer FromFile(string vocabPath, WordPieceOptions? options = null) =>
        new(File.ReadAllLines(vocabPath).Select(l => l.TrimEnd('\r')).ToList() is var lines && lines.Count > 0 && lines[^1].Length == 0 ? lines[..^1] : lines, options);

    public WordPieceOptions Options { get; }
    public int VocabularySize => idToToken.Length;
    public int UnknownTokenId { get; }
    public int ClassifierTokenId { get; }
    public int SeparatorTokenId { get; }
    public int? BosTokenId => ClassifierTokenId;
    public int? EosTokenId => SeparatorTokenId;
    public int? PadTokenId { get; }

    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false)
    {
        var ids = new List<int>(text.Length / 4 + 2);
        if (addSpecialTokens)
            ids.Add(ClassifierTokenId);
        foreach (var word in BasicTokens(text))
            WordPiece(word, ids);
        if (addSpecialTokens)
            ids.Add(SeparatorTokenId);
        return ids;
    }

    /// <summary>The words of the basic tokenizer (before WordPiece), for tests and diagnostics.</summary>
    public IEnumerable<string> BasicTokens(string text)
    {
        var word = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            var c = rune.Value;
            if (c == 0 || c == 0xFFFD || IsControl(rune))
                continue;
            if (IsWhitespace(rune))
            {
                if (Flush(word) is { } w)
                    yield return w;
                continue;
            }
            if ((Options.TokenizeChineseChars && IsCjk(c)) || IsPunctuation(rune))
            {
                if (Flush(word) is { } w)
                    yield return w;
                // A CJK character or punctuation mark is a word of its own (after the same normalisation).
                var single = Normalise(rune.ToString());
                if (single.Length > 0)
                    yield return single;
                continue;
            }
            word.Append(rune.ToString());
        }
        if (Flush(word) is { } last)
            yield return last;
    }

    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = true)
    {
        var text = new StringBuilder();
        foreach (var id in ids)
        {
            if (skipSpecialTokens && specialIds.Contains(id))
                continue;
            var token = id >= 0 && id < idToToken.Length ? idToToken[id] : Options.UnknownToken;
            if (token.StartsWith("##", StringComparison.Ordinal))
                text.Append(token, 2, token.Length - 2);
            else
            {
                if (text.Length > 0)
                    text.Append(' ');
                text.Append(token);
            }
        }
        return text.ToString();
    }

    private string? Flush(StringBuilder word)
    {
        if (word.Length == 0)
            return null;
        var text = Normalise(word.ToString());
        word.Clear();
        return text.Length == 0 ? null : text;
    }

    private string Normalise(string word)
    {
        if (Options.LowerCase)
            word = word.ToLowerInvariant();
        if (!stripAccents)
            return word;
        var decomposed = word.Normalize(NormalizationForm.FormD);
        var kept = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
                kept.Append(c);
        return kept.ToString();
    }

    private void WordPiece(string word, List<int> ids)
    {
        if (word.Length > Options.MaxInputCharsPerWord)
        {
            ids.Add(UnknownTokenId);
            return;
        }
        if (vocabulary.TryGetValue(word, out var whole))
        {
            ids.Add(whole);
            return;
        }

        var start = ids.Count;
        var position = 0;
        var buffer = new char[word.Length + 2];
        var lookup = vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        while (position < word.Length)
        {
            var found = -1;
            var end = word.Length;
            for (; end > position; end--)
            {
                ReadOnlySpan<char> piece;
                if (position == 0)
                    piece = word.AsSpan(0, end);
                else
                {
                    buffer[0] = '#';
                    buffer[1] = '#';
                    word.AsSpan(position, end - position).CopyTo(buffer.AsSpan(2));
                    piece = buffer.AsSpan(0, end - position + 2);
                }
                if (lookup.TryGetValue(piece, out found))
                    break;
                found = -1;
            }
            if (found < 0)
            {
                ids.RemoveRange(start, ids.Count - start);
                ids.Add(UnknownTokenId);
                return;
            }
            ids.Add(found);
            position = end;
        }
    }

    private static bool IsWhitespace(Rune r) => r.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(r) == UnicodeCategory.SpaceSeparator;

    private static bool IsControl(Rune r) =>
        r.Value is not ('\t' or '\n' or '\r') && Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format;

    /// <summary>ASCII symbols count as punctuation (BERT treats "$", "^", "`" as such), as does every Unicode P* category.</summary>
    private static bool IsPunctuation(Rune r) =>
        r.Value is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126
        || Rune.GetUnicodeCategory(r) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
            or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    /// <summary>The CJK Unified Ideographs blocks BERT checks (not Hangul, Hiragana or Katakana).</summary>
    private static bool IsCjk(int c) =>
        c is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F
            or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;
}
