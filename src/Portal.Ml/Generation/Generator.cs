using System.Diagnostics;
using System.Runtime.CompilerServices;
using Portal.Ml.Models;
using Portal.Ml.Tokenizers;

namespace Portal.Ml.Generation;

/// <summary>
/// Autoregressive decoding with a KV cache: the prompt is run once, then one token per step. Sampling runs on
/// the host over the last position's logits, with a seeded <see cref="Random"/>, so a seed fixes the output.
/// </summary>
public static class Generator
{
    /// <summary>Streams decoded text deltas. A delta never ends inside a UTF-8 character or inside a possible stop sequence.</summary>
    public static async IAsyncEnumerable<string> StreamAsync(ICausalLanguageModel model, ITokenizer tokenizer, IReadOnlyList<int> promptIds,
        GenerationOptions options, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var session = new Session(model, tokenizer, promptIds, options);
        try
        {
            while (session.Advance(ct) is { } delta)
            {
                if (delta.Length > 0)
                    yield return delta;
                await Task.Yield();
            }
        }
        finally
        {
            session.Dispose();
        }
    }

    /// <summary>Generates to the end, reporting each text delta to <paramref name="progress"/>.</summary>
    public static Task<GenerationResult> GenerateAsync(ICausalLanguageModel model, ITokenizer tokenizer, IReadOnlyList<int> promptIds,
        GenerationOptions options, IProgress<string>? progress = null, CancellationToken ct = default)
    {
        using var session = new Session(model, tokenizer, promptIds, options);
        while (session.Advance(ct) is { } delta)
            if (delta.Length > 0)
                progress?.Report(delta);
        return Task.FromResult(session.Result());
    }

    /// <summary>Picks the next token from one position's logits: greedy at temperature 0, else temperature, top-k, top-p sampling.</summary>
    public static int Sample(ReadOnlySpan<float> logits, GenerationOptions options, Random random)
    {
        if (options.Temperature <= 0)
            return ArgMax(logits);

        var order = new int[logits.Length];
        for (var i = 0; i < order.Length; i++)
            order[i] = i;
        var scores = logits.ToArray();
        Array.Sort(order, (a, b) => scores[b].CompareTo(scores[a]) is var c && c != 0 ? c : a.CompareTo(b));

        var keep = options.TopK > 0 ? Math.Min(options.TopK, order.Length) : order.Length;
        var max = scores[order[0]];
        var probabilities = new double[keep];
        double total = 0;
        for (var i = 0; i < keep; i++)
            total += probabilities[i] = Math.Exp((scores[order[i]] - max) / options.Temperature);

        if (options.TopP < 1.0)
        {
            // The smallest prefix whose mass reaches top_p; the most likely token always stays.
            double cumulative = 0;
            var cut = 0;
            while (cut < keep)
            {
                cumulative += probabilities[cut++] / total;
                if (cumulative >= options.TopP)
                    break;
            }
            keep = cut;
            total = probabilities.Take(keep).Sum();
        }

        var target = random.NextDouble() * total;
        for (var i = 0; i < keep; i++)
        {
            target -= probabilities[i];
            if (target < 0)
                return order[i];
        }
        return order[keep - 1];
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
            if (values[i] > values[best])
                best = i;
        return best;
    }

    private sealed class Session : IDisposable
    {
        private readonly ICausalLanguageModel model;
        private readonly ITokenizer tokenizer;
        private readonly GenerationOptions options;
        private readonly KvCache cache;
        private readonly Random random;
        private readonly List<int> generated = [];
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly int promptTokens;
        private int[] pending;
        private int emitted;
        private string text = "";
        private FinishReason? finished;

        internal Session(ICausalLanguageModel model, ITokenizer tokenizer, IReadOnlyList<int> promptIds, GenerationOptions options)
        {
            if (promptIds.Count == 0)
                throw new ArgumentException("the prompt needs at least one token", nameof(promptIds));
            this.model = model;
            this.tokenizer = tokenizer;
            this.options = options;
            cache = model.NewCache();
            random = options.Seed is { } seed ? new Random(seed) : new Random();
            pending = promptIds.ToArray();
            promptTokens = promptIds.Count;
        }

        /// <summary>One decoding step; returns the new text (maybe empty), or null when generation has ended.</summary>
        internal string? Advance(CancellationToken ct)
        {
            if (finished is not null)
                return null;
            ct.ThrowIfCancellationRequested();
            if (generated.Count >= options.MaxNewTokens)
                return Finish(FinishReason.Length);

            var token = NextToken();
            if (options.StopTokenIds.Contains(token))
                return Finish(FinishReason.StopToken);
            generated.Add(token);
            pending = [token];

            var full = tokenizer.Decode(generated);
            foreach (var stop in options.StopSequences)
            {
                var at = full.IndexOf(stop, StringComparison.Ordinal);
                if (at >= 0)
                {
                    text = full[..at];
                    return Finish(FinishReason.StopSequence);
                }
            }
            text = full;
            if (generated.Count >= options.MaxNewTokens)
                return Finish(FinishReason.Length);
            return Flush(SafeLength(full));
        }

        internal GenerationResult Result() =>
            new(text, generated.ToList(), finished ?? FinishReason.Length, promptTokens, clock.Elapsed.TotalSeconds);

        private int NextToken()
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var ids = torch.tensor(pending.Select(i => (long)i).ToArray(), [1, pending.Length]);
            var logits = model.Forward(ids, cache);
            var last = logits.narrow(1, logits.size(1) - 1, 1).to(torch.float32).data<float>();
            return Sample(last, options, random);
        }

        private string Finish(FinishReason reason)
        {
            finished = reason;
            clock.Stop();
            return Flush(text.Length);
        }

        private string Flush(int upTo)
        {
            if (upTo <= emitted)
                return "";
            var delta = text[emitted..upTo];
            emitted = upTo;
            return delta;
        }

        /// <summary>How much of the text can be shown: not a trailing partial character, not a possible start of a stop sequence.</summary>
        private int SafeLength(string full)
        {
            var safe = full.Length;
            while (safe > 0 && full[safe - 1] == '\uFFFD')
                safe--;
            if (safe > 0 && char.IsHighSurrogate(full[safe - 1]))
                safe--;
            foreach (var stop in options.StopSequences)
                for (var length = Math.Min(stop.Length - 1, safe); length > 0; length--)
                    if (string.CompareOrdinal(full, safe - length, stop, 0, length) == 0)
                    {
                        safe = Math.Min(safe, full.Length - (full.Length - safe) - length);
                        break;
                    }
            return Math.Max(safe, emitted);
        }

        public void Dispose() => cache.Dispose();
    }
}
