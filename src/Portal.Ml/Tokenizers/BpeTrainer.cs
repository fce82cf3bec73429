using System.Text;
using System.Text.RegularExpressions;

namespace Portal.Ml.Tokenizers;

/// <summary>
/// Learns byte-level BPE merges from a text: start from the 256 byte characters, then repeatedly merge the most
/// frequent adjacent pair inside pre-tokenized words (ties broken by the pair's ordinal order) until the vocabulary
/// is full or no pair occurs twice. Small and exact, for tiny test models — not for corpora.
/// </summary>
public static class BpeTrainer
{
    public static (Dictionary<string, int> Vocabulary, List<(string Left, string Right)> Merges) Train(string text, int vocabularySize, string preTokenizerPattern)
    {
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var b = 0; b < 256; b++)
            vocabulary[ByteLevel.ToChar((byte)b).ToString()] = b;

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var normalized = text.Normalize(NormalizationForm.FormC);
        foreach (Match match in Regex.Matches(normalized, preTokenizerPattern, RegexOptions.CultureInvariant))
        {
            var word = ByteLevel.Encode(Encoding.UTF8.GetBytes(match.Value));
            counts[word] = counts.GetValueOrDefault(word) + 1;
        }
        var words = counts.Select(p => (symbols: p.Key.Select(c => c.ToString()).ToList(), count: p.Value)).ToList();

        var merges = new List<(string, string)>();
        while (vocabulary.Count < vocabularySize)
        {
            var pairs = new Dictionary<(string, string), int>();
            foreach (var (symbols, count) in words)
                for (var i = 0; i + 1 < symbols.Count; i++)
                    pairs[(symbols[i], symbols[i + 1])] = pairs.GetValueOrDefault((symbols[i], symbols[i + 1])) + count;
            if (pairs.Count == 0)
                break;
            var best = pairs.OrderByDescending(p => p.Value).ThenBy(p => p.Key.Item1, StringComparer.Ordinal).ThenBy(p => p.Key.Item2, StringComparer.Ordinal).First();
            if (best.Value < 2)
                break;
            var (left, right) = best.Key;
            var merged = left + right;
            merges.Add((left, right));
            vocabulary.TryAdd(merged, vocabulary.Count);
            foreach (var (symbols, _) in words)
                for (var i = 0; i + 1 < symbols.Count; i++)
                    if (symbols[i] == left && symbols[i + 1] == right)
                    {
                        symbols[i] = merged;
                        symbols.RemoveAt(i + 1);
                    }
        }
        return (vocabulary, merges);
    }
}
