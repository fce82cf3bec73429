using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Portal.Bench.Retrieval;
using Portal.Chat;
using Portal.Chat.Generators;
using Portal.Search;
using Portal.Search.Embeddings;

namespace Portal.Bench.Chat;

/// <summary>
/// CMRC 2018 dev answered by the extractive generator with the gold passage as the only source.
/// Exact match: the answer without [n] markers equals a gold answer after removing spaces and
/// punctuation. Similarity: cosine of the default hashed n-gram embeddings (lexical, not a semantic
/// model) of the answer and the closest gold answer. Source containment: every character of the
/// answer (markers removed) occurs in the passage. Verbatim: every answer sentence is a substring.
/// </summary>
internal static partial class CmrcAnswering
{
    public static async Task RunAsync()
    {
        var path = Environment.GetEnvironmentVariable("CMRC_PATH") is { Length: > 0 } configured ? configured
            : Path.Combine(BenchDatabase.Root(), "../shared/datasets/cmrc2018/cmrc2018_dev.json");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        var embedder = new HashedNgramEmbedder();
        var generator = new ExtractiveGenerator();
        int questions = 0, exact = 0, contained = 0, verbatim = 0, goldInAnswer = 0, unknownAtDefault = 0;
        double similarity = 0, answerChars = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        foreach (var passage in json.RootElement.EnumerateArray())
        {
            var text = passage.GetProperty("context_text").GetString()!;
            var hit = new SearchHit(1, Guid.Empty, passage.GetProperty("title").GetString() ?? "", text, null, [], 1, 1, 1, null, null, []);
            foreach (var qa in passage.GetProperty("qas").EnumerateArray())
            {
                var question = qa.GetProperty("query_text").GetString()!;
                var golds = qa.GetProperty("answers").EnumerateArray().Select(a => a.ValueKind == JsonValueKind.String ? a.GetString()! : a.GetRawText()).Where(a => a.Length > 0).Distinct().ToList();
                if (golds.Count == 0) continue;
                questions++;
                // Threshold 0: always answer, so every question is scored; the default threshold's "I don't know" rate is reported apart.
                var completed = await AnswerAsync(generator, question, hit, new ChatSettings("不知道", 0, 1));
                if ((await AnswerAsync(generator, question, hit, new ChatSettings("不知道", 0.4, 1))).Unknown) unknownAtDefault++;
                var pieces = Markers().Split(completed.Text).Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
                var answer = string.Concat(pieces);
                answerChars += answer.Length;
                if (golds.Any(g => Normalise(g) == Normalise(answer))) exact++;
                if (golds.Any(g => Normalise(answer).Contains(Normalise(g), StringComparison.Ordinal))) goldInAnswer++;
                if (answer.All(c => char.IsWhiteSpace(c) || text.Contains(c))) contained++;
                if (pieces.All(p => text.Contains(p, StringComparison.Ordinal))) verbatim++;
                var vectors = await embedder.EmbedAsync([answer, .. golds], CancellationToken.None);
                similarity += Enumerable.Range(1, golds.Count).Max(i => System.Numerics.Tensors.TensorPrimitives.Dot(vectors[0], vectors[i]));
            }
        }
        string Pct(double x) => (100.0 * x / questions).ToString("F2", CultureInfo.InvariantCulture) + "%";
        Console.WriteLine($"CMRC 2018 dev, gold passage as the only source, extractive generator: {questions} questions in {watch.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine("| metric | value |\n| --- | --- |");
        Console.WriteLine($"| exact match | {Pct(exact)} |");
        Console.WriteLine($"| similarity (hashed n-gram cosine, lexical) | {Pct(similarity)} |");
        Console.WriteLine($"| source containment (characters) | {Pct(contained)} |");
        Console.WriteLine($"| verbatim (every sentence a substring) | {Pct(verbatim)} |");
        Console.WriteLine($"| gold answer inside the answer | {Pct(goldInAnswer)} |");
        Console.WriteLine($"| \"I don't know\" at the default threshold 0.4 | {Pct(unknownAtDefault)} |");
        Console.WriteLine($"| mean answer length (characters) | {answerChars / questions:F0} |");
    }

    private static async Task<GenerationCompleted> AnswerAsync(ExtractiveGenerator generator, string question, SearchHit hit, ChatSettings settings)
    {
        await foreach (var e in generator.GenerateAsync(new GenerationRequest(question, question, [hit], [], ResolvedGenerator.Extractive, settings), CancellationToken.None))
            if (e is GenerationCompleted c) return c;
        throw new InvalidOperationException("no answer");
    }

    private static string Normalise(string s)
    {
        var b = new StringBuilder();
        foreach (var c in s.Normalize(NormalizationForm.FormKC))
            if (!char.IsWhiteSpace(c) && !char.IsPunctuation(c) && !char.IsSymbol(c)) b.Append(char.ToLowerInvariant(c));
        return b.ToString();
    }

    [GeneratedRegex(@"\s*\[\d+\]\s*")]
    private static partial Regex Markers();
}
