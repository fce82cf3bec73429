namespace Portal.Bench.Chat;

/// <summary>
/// Seeded English-like text: 3,000 made-up words with Zipf-distributed frequencies, sentences of
/// 8–20 words, chunks of 3–6 sentences. A question is 3–5 words of one sentence of a chunk already
/// produced, so most questions have a supporting sentence somewhere in the corpus.
/// </summary>
internal sealed class SyntheticCorpus(int seed)
{
    private readonly Random _random = new(seed);
    private readonly List<string> _sentences = [];
    private string[]? _words;
    private double[]? _cumulative;

    public string Chunk()
    {
        var sentences = Enumerable.Range(0, _random.Next(3, 7)).Select(_ => Sentence()).ToList();
        _sentences.AddRange(sentences.Where(_ => _random.Next(10) == 0));
        return string.Join(' ', sentences);
    }

    public string Question()
    {
        var words = _sentences[_random.Next(_sentences.Count)].TrimEnd('.').Split(' ');
        var start = _random.Next(Math.Max(1, words.Length - 5));
        return "What about " + string.Join(' ', words.Skip(start).Take(_random.Next(3, 6))).ToLowerInvariant() + "?";
    }

    private string Sentence()
    {
        var words = Enumerable.Range(0, _random.Next(8, 21)).Select(_ => Word()).ToArray();
        words[0] = char.ToUpperInvariant(words[0][0]) + words[0][1..];
        return string.Join(' ', words) + ".";
    }

    private string Word()
    {
        if (_words is null)
        {
            const string consonants = "bcdfghklmnprstvz", vowels = "aeiou";
            var generator = new Random(seed + 1);
            _words = Enumerable.Range(0, 3000).Select(_ => string.Concat(Enumerable.Range(0, generator.Next(2, 5))
                .Select(_ => $"{consonants[generator.Next(consonants.Length)]}{vowels[generator.Next(vowels.Length)]}"))).Distinct().ToArray();
            var weights = _words.Select((_, i) => 1.0 / (i + 1)).ToArray();
            var total = weights.Sum();
            _cumulative = new double[weights.Length];
            var sum = 0.0;
            for (var i = 0; i < weights.Length; i++) _cumulative[i] = sum += weights[i] / total;
        }
        var index = Array.BinarySearch(_cumulative!, _random.NextDouble());
        return _words[Math.Min(index < 0 ? ~index : index, _words.Length - 1)];
    }
}
