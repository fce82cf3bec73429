namespace Portal.Chat.Answering;

/// <summary>
/// The built-in answerer: it needs no model and cannot hallucinate, because every sentence of its
/// answer is a verbatim substring of one retrieved chunk, followed by that chunk's [n] marker.
///
/// Each sentence of each source is scored as
/// <c>(0.75 · sentence coverage + 0.25 · chunk coverage) · 1/(1 + 0.1·(rank−1)) · 1/(1 + 0.05·position)</c>,
/// where coverage is the share of the question's weighted content terms (<see cref="QueryTerms"/>)
/// that the sentence (or its whole chunk) contains. The best sentence is taken; further sentences
/// are taken greedily while they add uncovered question terms and score at least half the best.
/// A sentence longer than <see cref="MaxSentenceChars"/> is cut to its best clause window (a span).
/// Picks are shown in source order. Confidence is the share of the question's term weight that the
/// picked sentences cover together, in [0, 1]; it is deterministic for the same sources and question.
/// </summary>
internal static class ExtractiveAnswerer
{
    public const int MaxSentences = 3;
    public const int MaxSentenceChars = 300;
    public const int MaxAnswerChars = 800;

    public sealed record Pick(int Source, string Text);

    public sealed record Result(IReadOnlyList<Pick> Picks, double Confidence);

    public static Result Answer(string question, IReadOnlyList<string> sources) => Answer(QueryTerms.Weighted(question), sources);

    public static Result Answer(Dictionary<string, double> query, IReadOnlyList<string> sources)
    {
        if (query.Count == 0 || sources.Count == 0) return new([], 0);

        var candidates = new List<(int Source, int Position, Range Range, HashSet<string> Terms, double Score, double Coverage)>();
        for (var s = 0; s < sources.Count; s++)
        {
            var text = sources[s];
            var chunkCoverage = QueryTerms.Coverage(query, QueryTerms.Of(text));
            if (chunkCoverage == 0) continue;
            var sentences = Sentences.Split(text);
            for (var p = 0; p < sentences.Count; p++)
            {
                var range = Narrow(text, sentences[p], query);
                var terms = QueryTerms.Of(text[range]);
                var coverage = QueryTerms.Coverage(query, terms);
                if (coverage == 0) continue;
                var score = (0.75 * coverage + 0.25 * chunkCoverage) / (1 + 0.1 * s) / (1 + 0.05 * p);
                candidates.Add((s, p, range, terms, score, coverage));
            }
        }
        if (candidates.Count == 0) return new([], 0);

        // Stable order: score, then earlier source, then earlier sentence, so the answer is deterministic.
        var ordered = candidates.OrderByDescending(c => c.Score).ThenBy(c => c.Source).ThenBy(c => c.Position).ToList();
        var best = ordered[0];
        var picked = new List<(int Source, int Position, Range Range, HashSet<string> Terms, double Score, double Coverage)> { best };
        var covered = new HashSet<string>(best.Terms.Where(query.ContainsKey), StringComparer.Ordinal);
        var length = Length(sources, best);
        foreach (var c in ordered.Skip(1))
        {
            if (picked.Count == MaxSentences || c.Score < best.Score / 2) break;
            var adds = c.Terms.Any(t => query.ContainsKey(t) && !covered.Contains(t));
            if (!adds || length + Length(sources, c) > MaxAnswerChars) continue;
            picked.Add(c);
            covered.UnionWith(c.Terms.Where(query.ContainsKey));
            length += Length(sources, c);
        }
        var confidence = QueryTerms.Coverage(query, covered);
        var picks = picked.OrderBy(c => c.Source).ThenBy(c => c.Position)
            .Select(c => new Pick(c.Source, sources[c.Source][c.Range])).ToList();
        return new(picks, confidence);
    }

    private static int Length(IReadOnlyList<string> sources, (int Source, int Position, Range Range, HashSet<string> Terms, double Score, double Coverage) c) =>
        c.Range.GetOffsetAndLength(sources[c.Source].Length).Length;

    /// <summary>A long sentence becomes the contiguous run of its clauses that covers the most question terms within the length cap.</summary>
    private static Range Narrow(string text, Range sentence, Dictionary<string, double> query)
    {
        if (sentence.GetOffsetAndLength(text.Length).Length <= MaxSentenceChars) return sentence;
        var clauses = Sentences.Clauses(text, sentence);
        Range bestRange = clauses[0];
        var bestCoverage = -1.0;
        for (var i = 0; i < clauses.Count; i++)
            for (var j = i; j < clauses.Count; j++)
            {
                var range = clauses[i].Start..clauses[j].End;
                if (range.GetOffsetAndLength(text.Length).Length > MaxSentenceChars) break;
                var coverage = QueryTerms.Coverage(query, QueryTerms.Of(text[range]));
                if (coverage > bestCoverage) (bestRange, bestCoverage) = (range, coverage);
            }
        // A single clause over the cap is kept whole rather than cut mid-word.
        return bestRange;
    }
}
