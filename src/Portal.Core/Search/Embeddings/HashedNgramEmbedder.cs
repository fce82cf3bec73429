using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Text;
using Portal.Search.Analysis;

namespace Portal.Search.Embeddings;

/// <summary>
/// A lexical embedder that needs no model files: word unigrams and bigrams, character trigrams of
/// each word, and CJK characters and character bigrams, each hashed with a sign into
/// <see cref="Dimensions"/> buckets (the "hashing trick"), then L2-normalised. Cosine similarity
/// between two such vectors measures shared surface forms, not meaning: it finds "invoice" for
/// "invoices" but not "bill". It is the default because it is fast, deterministic and free.
/// </summary>
public sealed class HashedNgramEmbedder : IEmbedder
{
    // Distinct seeds keep the word "ab" and the trigram "ab" (or a CJK bigram) in different buckets.
    private const ulong WordSeed = 0x9E3779B97F4A7C15, WordPairSeed = 0xC2B2AE3D27D4EB4F,
        TrigramSeed = 0x165667B19E3779F9, CjkSeed = 0x27D4EB2F165667C5, CjkPairSeed = 0x85EBCA77C2B2AE63;

    private readonly HashedNgramWeights _weights;

    public HashedNgramEmbedder(int dimensions = 384) : this(dimensions, HashedNgramWeights.V2) { }

    public HashedNgramEmbedder(int dimensions, HashedNgramWeights weights)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimensions, 2000);
        Dimensions = dimensions;
        _weights = weights;
        ModelId = $"hashed-ngram/{weights.Version}/d{dimensions}";
    }

    public string ModelId { get; }
    public int Dimensions { get; }

    public ValueTask<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken ct)
    {
        var vectors = new float[texts.Count][];
        for (var i = 0; i < texts.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            vectors[i] = Embed(texts[i]);
        }
        return ValueTask.FromResult(vectors);
    }

    public float[] Embed(string text)
    {
        var vector = new float[Dimensions];
        Embed(text, vector);
        return vector;
    }

    public void Embed(string text, Span<float> vector)
    {
        vector.Clear();

        Span<char> word = stackalloc char[SearchAnalyzer.MaxTermLength];
        var wordLength = 0;
        ulong previousWord = 0, previousCjk = 0;
        var source = text.IsNormalized(NormalizationForm.FormKC) ? text : text.Normalize(NormalizationForm.FormKC);
        foreach (var rune in source.EnumerateRunes())
        {
            if (SearchAnalyzer.IsCjk(rune))
            {
                EndWord(vector, word, ref wordLength, ref previousWord);
                previousWord = 0;
                var h = Mix((ulong)rune.Value * CjkSeed);
                Add(vector, h, _weights.Cjk);
                if (previousCjk != 0) Add(vector, Mix(previousCjk * 31 ^ h ^ CjkPairSeed), _weights.CjkPair);
                previousCjk = h;
            }
            else if (Rune.IsLetterOrDigit(rune))
            {
                previousCjk = 0;
                var lower = Rune.ToLowerInvariant(rune);
                if (wordLength + lower.Utf16SequenceLength <= word.Length)
                    wordLength += lower.EncodeToUtf16(word[wordLength..]);
            }
            else
            {
                previousCjk = 0;
                EndWord(vector, word, ref wordLength, ref previousWord);
            }
        }
        EndWord(vector, word, ref wordLength, ref previousWord);

        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0) TensorPrimitives.Divide(vector, norm, vector);
    }

    private void EndWord(Span<float> vector, ReadOnlySpan<char> buffer, ref int length, ref ulong previousWord)
    {
        if (length == 0) return;
        var w = buffer[..length];
        var h = Hash(w, WordSeed);
        Add(vector, h, _weights.Word);
        if (previousWord != 0) Add(vector, Mix(previousWord * 31 ^ h ^ WordPairSeed), _weights.WordPair);
        previousWord = h;
        if (length > 3)
        {
            // Trigrams of "#word#": the boundary marks let prefixes and suffixes count on their own.
            Span<char> padded = stackalloc char[length + 2];
            padded[0] = '#';
            w.CopyTo(padded[1..]);
            padded[^1] = '#';
            for (var i = 0; i + 3 <= padded.Length; i++)
                Add(vector, Hash(padded.Slice(i, 3), TrigramSeed), _weights.Trigram);
        }
        length = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Add(Span<float> vector, ulong hash, float weight)
    {
        if (weight == 0) return;
        // The top bit chooses the sign, so colliding features cancel on average instead of piling up.
        var index = (int)((hash & 0x7FFF_FFFF_FFFF_FFFF) % (ulong)Dimensions);
        vector[index] += (hash >> 63) == 0 ? weight : -weight;
    }

    private static ulong Hash(ReadOnlySpan<char> chars, ulong seed)
    {
        var h = 14695981039346656037UL ^ seed; // FNV-1a, then a final mix for good high bits
        foreach (var c in chars) h = (h ^ c) * 1099511628211UL;
        return Mix(h);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong h)
    {
        h ^= h >> 33; h *= 0xFF51AFD7ED558CCD;
        h ^= h >> 33; h *= 0xC4CEB93FE51A3A53;
        h ^= h >> 33;
        return h;
    }
}

/// <summary>
/// Feature weights of <see cref="HashedNgramEmbedder"/>; each set is a model version (a change of
/// weights is a new embedding space). Whole words and CJK bigrams carry the meaning; trigrams and
/// CJK single characters only help partial matches, so they count less.
/// </summary>
public sealed record HashedNgramWeights(string Version, float Word, float WordPair, float Trigram, float Cjk, float CjkPair)
{
    /// <summary>The first default: every occurrence of a feature adds its full weight.</summary>
    public static readonly HashedNgramWeights V1 = new("v1", 1f, 0.7f, 0.35f, 0.4f, 1f);

    /// <summary>
    /// CJK single characters weigh 0.6: chosen on half of CMRC 2018 dev and checked on the other half
    /// (<c>bench/retrieval/run.sh embedder-weights</c>). Lower weights did worse.
    /// </summary>
    public static readonly HashedNgramWeights V2 = V1 with { Version = "v2", Cjk = 0.6f };
}
