using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace Portal.Ml.Tokenizers;

/// <summary>A token that is matched verbatim before any pre-tokenisation (special tokens such as <c>&lt;|im_end|&gt;</c>).</summary>
public sealed record AddedToken(int Id, string Content, bool Special);

/// <summary>
/// Byte-level BPE as Qwen2 and Llama 3 use it (<c>tokenizer.json</c>): added tokens are split out first (longest
/// first), the rest is NFC-normalised when configured, split by the pre-tokenizer's regular expression, mapped
/// byte-wise to characters (<see cref="ByteLevel"/>), then merged by rank. Decoding reverses the byte mapping.
/// Built by <see cref="TokenizerJson"/>; results of a word are cached, which is what makes it fast.
/// </summary>
public sealed class BpeTokenizer : ITokenizer
{
    private readonly Dictionary<string, int> vocabulary;
    private readonly string[] idToToken;
    private readonly Dictionary<long, (int Rank, int Merged)> merges;
    private readonly int[] byteIds = new int[256];
    private readonly Regex? preTokenizer;
    private readonly Regex? addedTokenPattern;
    private readonly Dictionary<string, AddedToken> addedByContent;
    private readonly Dictionary<int, AddedToken> addedById;
    private readonly ConcurrentDictionary<string, int[]> cache = new(StringComparer.Ordinal);
    private readonly bool normalizeNfc, ignoreMerges, addPrefixSpace;

    public BpeTokenizer(IReadOnlyDictionary<string, int> vocabulary, IEnumerable<(string Left, string Right)> merges, IEnumerable<AddedToken> addedTokens,
        BpeTokenizerOptions options)
    {
        this.vocabulary = new Dictionary<string, int>(vocabulary, StringComparer.Ordinal);
        addedByContent = addedTokens.ToDictionary(t => t.Content, StringComparer.Ordinal);
        addedById = addedByContent.Values.ToDictionary(t => t.Id);
        var size = Math.Max(vocabulary.Count == 0 ? 0 : vocabulary.Values.Max() + 1, addedById.Count == 0 ? 0 : addedById.Keys.Max() + 1);
        idToToken = new string[size];
        foreach (var (token, id) in vocabulary)
            idToToken[id] = token;
        foreach (var (id, token) in addedById)
            idToToken[id] = token.Content;

        this.merges = [];
        var rank = 0;
        foreach (var (left, right) in merges)
        {
            if (vocabulary.TryGetValue(left, out var a) && vocabulary.TryGetValue(right, out var b) && vocabulary.TryGetValue(left + right, out var merged))
                this.merges.TryAdd(Key(a, b), (rank, merged));
            rank++;
        }
        for (var b = 0; b < 256; b++)
            byteIds[b] = vocabulary.TryGetValue(ByteLevel.ToChar((byte)b).ToString(), out var id) ? id : -1;

        Options = options;
        preTokenizer = options.PreTokenizerPattern is null ? null
            : new Regex(options.PreTokenizerPattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);
        addedTokenPattern = addedByContent.Count == 0 ? null
            : new Regex(string.Join('|', addedByContent.Keys.OrderByDescending(k => k.Length).ThenBy(k => k, StringComparer.Ordinal).Select(Regex.Escape)),
                RegexOptions.Compiled | RegexOptions.CultureInvariant);
        normalizeNfc = options.NormalizeNfc;
        ignoreMerges = options.IgnoreMerges;
        addPrefixSpace = options.AddPrefixSpace;
        BosTokenId = Id(options.BosToken);
        EosTokenId = Id(options.EosToken);
        PadTokenId = Id(options.PadToken);
    }

    public BpeTokenizerOptions Options { get; }
    public int VocabularySize => idToToken.Length;
    public int? BosTokenId { get; }
    public int? EosTokenId { get; }
    public int? PadTokenId { get; }
    public IReadOnlyCollection<AddedToken> AddedTokens => addedByContent.Values;

    public int? TokenToId(string token) => addedByContent.TryGetValue(token, out var added) ? added.Id : vocabulary.TryGetValue(token, out var id) ? id : null;

    public string? IdToToken(int id) => id >= 0 && id < idToToken.Length ? idToToken[id] : null;

    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false)
    {
        var ids = new List<int>(text.Length / 3 + 4);
        if (addSpecialTokens)
            ids.AddRange(Options.PrefixTokens.Select(t => TokenToId(t) ?? throw new InvalidDataException($"post-processor token {t} is not in the vocabulary")));

        var start = 0;
        if (addedTokenPattern is not null)
            for (var match = addedTokenPattern.Match(text); match.Success; match = match.NextMatch())
            {
                EncodeOrdinary(text.AsSpan(start, match.Index - start), ids);
                ids.Add(addedByContent[match.Value].Id);
                start = match.Index + match.Length;
            }
        EncodeOrdinary(text.AsSpan(start), ids);

        if (addSpecialTokens)
            ids.AddRange(Options.SuffixTokens.Select(t => TokenToId(t) ?? throw new InvalidDataException($"post-processor token {t} is not in the vocabulary")));
        return ids;
    }

    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = true)
    {
        var text = new StringBuilder();
        var bytes = new List<byte>(ids.Count * 4);
        foreach (var id in ids)
        {
            if (addedById.TryGetValue(id, out var added))
            {
                if (skipSpecialTokens && added.Special)
                    continue;
                FlushBytes(bytes, text);
                text.Append(added.Content);
                continue;
            }
            var token = IdToToken(id) ?? throw new ArgumentOutOfRangeException(nameof(ids), $"token id {id} is outside the vocabulary");
            foreach (var c in token)
                if (ByteLevel.TryToByte(c, out var b))
                    bytes.Add(b);
        }
        FlushBytes(bytes, text);
        return text.ToString();
    }

    private static void FlushBytes(List<byte> bytes, StringBuilder text)
    {
        if (bytes.Count == 0)
            return;
        text.Append(Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes)));
        bytes.Clear();
    }

    private void EncodeOrdinary(ReadOnlySpan<char> span, List<int> ids)
    {
        if (span.IsEmpty)
            return;
        var text = span.ToString();
        if (normalizeNfc && !text.IsNormalized(NormalizationForm.FormC))
            text = text.Normalize(NormalizationForm.FormC);
        if (addPrefixSpace && text[0] != ' ')
            text = " " + text;
        if (preTokenizer is null)
        {
            EncodeWord(text, ids);
            return;
        }

        // Split with behaviour "Isolated": matches and the gaps between them are both pieces.
        var position = 0;
        for (var match = preTokenizer.Match(text); match.Success; match = match.NextMatch())
        {
            if (match.Length == 0)
                continue;
            if (match.Index > position)
                EncodeWord(text[position..match.Index], ids);
            EncodeWord(match.Value, ids);
            position = match.Index + match.Length;
        }
        if (position < text.Length)
            EncodeWord(text[position..], ids);
    }

    private void EncodeWord(string word, List<int> ids)
    {
        if (!cache.TryGetValue(word, out var pieces))
        {
            pieces = MergeWord(word);
            if (cache.Count < 200_000)
                cache[word] = pieces;
        }
        ids.AddRange(pieces);
    }

    private int[] MergeWord(string word)
    {
        var byteCount = Encoding.UTF8.GetByteCount(word);
        Span<byte> bytes = byteCount <= 256 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(word, bytes);
        if (ignoreMerges && vocabulary.TryGetValue(ByteLevel.Encode(bytes), out var whole))
            return [whole];

        var symbols = new List<int>(byteCount);
        foreach (var b in bytes)
            if (byteIds[b] >= 0)
                symbols.Add(byteIds[b]);

        while (symbols.Count > 1)
        {
            var bestRank = int.MaxValue;
            var bestMerged = -1;
            long bestKey = 0;
            for (var i = 0; i + 1 < symbols.Count; i++)
                if (merges.TryGetValue(Key(symbols[i], symbols[i + 1]), out var merge) && merge.Rank < bestRank)
                    (bestRank, bestMerged, bestKey) = (merge.Rank, merge.Merged, Key(symbols[i], symbols[i + 1]));
            if (bestMerged < 0)
                break;

            var write = 0;
            for (var read = 0; read < symbols.Count; read++)
            {
                if (read + 1 < symbols.Count && Key(symbols[read], symbols[read + 1]) == bestKey)
                {
                    symbols[write++] = bestMerged;
                    read++;
                }
                else
                    symbols[write++] = symbols[read];
            }
            symbols.RemoveRange(write, symbols.Count - write);
        }
        return symbols.ToArray();
    }

    private int? Id(string? token) => token is null ? null : TokenToId(token);

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;
}

/// <summary>The parts of <c>tokenizer.json</c> (and tokenizer_config.json) that change how a byte-level BPE tokenizer behaves.</summary>
public sealed record BpeTokenizerOptions
{
    /// <summary>Qwen2's pre-tokenizer expression (Llama 3 differs only in <c>\p{N}{1,3}</c>).</summary>
    public const string Qwen2Pattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
    public const string Llama3Pattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    public string? PreTokenizerPattern { get; init; } = Qwen2Pattern;
    public bool NormalizeNfc { get; init; }
    public bool AddPrefixSpace { get; init; }

    /// <summary>Llama 3: a pre-tokenized word that is itself in the vocabulary is one token, whatever the merges say.</summary>
    public bool IgnoreMerges { get; init; }

    /// <summary>Tokens the post-processor puts around a sequence when special tokens are added (Llama 3: BOS before).</summary>
    public IReadOnlyList<string> PrefixTokens { get; init; } = [];
    public IReadOnlyList<string> SuffixTokens { get; init; } = [];
    public string? BosToken { get; init; }
    public string? EosToken { get; init; }
    public string? PadToken { get; init; }
}
