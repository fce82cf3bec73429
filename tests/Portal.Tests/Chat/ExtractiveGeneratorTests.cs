using System.Text.RegularExpressions;
using Portal.Chat;
using Portal.Chat.Generators;
using Portal.Search;

namespace Portal.Tests.Chat;

public sealed partial class ExtractiveGeneratorTests
{
    private static readonly ChatSettings Settings = new("I don't know.", 0.4, 0.8);

    private static readonly string[] Vocabulary =
    [
        "invoice", "refund", "password", "vacation", "laptop", "office", "parking", "salary", "contract", "deadline", "printer",
        "badge", "meeting", "budget", "travel", "expense", "policy", "manager", "holiday", "training", "the", "is", "a", "of",
        "年假", "报销", "密码", "合同",
    ];

    [Fact]
    public async Task Every_answer_sentence_is_a_verbatim_substring_of_the_chunk_its_marker_cites()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var hits = Enumerable.Range(0, random.Next(1, 7)).Select(i => Hit(i, RandomChunk(random))).ToList();
            var question = string.Join(' ', Enumerable.Range(0, random.Next(1, 5)).Select(_ => Vocabulary[random.Next(Vocabulary.Length)])) + "?";
            var (deltas, completed) = await RunAsync(question, hits, Settings with { ConfidenceThreshold = 0 });

            string.Concat(deltas).ShouldBe(completed.Text, $"seed {seed}");
            if (completed.Unknown) { completed.Text.ShouldBe(Settings.IdkMessage); continue; }
            var pieces = Piece().Matches(completed.Text);
            string.Concat(pieces.Select(m => m.Value)).ShouldBe(completed.Text, $"seed {seed}: the answer is only marked sentences");
            foreach (Match piece in pieces)
            {
                var n = int.Parse(piece.Groups[2].Value);
                completed.CitedSources.ShouldContain(n, $"seed {seed}: [{n}] is not among the citations");
                hits[n - 1].Text.ShouldContain(piece.Groups[1].Value, Case.Sensitive, $"seed {seed}");
            }
            pieces.Select(p => int.Parse(p.Groups[2].Value)).Distinct().Order().ShouldBe(completed.CitedSources.Order(), $"seed {seed}: every citation is used");
        }
    }

    [Fact]
    public async Task The_same_question_and_sources_give_the_same_answer()
    {
        var hits = new[] { Hit(0, "Parking is free for staff. Visitors pay at the gate."), Hit(1, "Staff parking is behind the office. It opens at seven.") };
        var first = (await RunAsync("Where is staff parking?", hits, Settings)).Completed;
        var second = (await RunAsync("Where is staff parking?", hits, Settings)).Completed;
        (second.Text, second.Confidence).ShouldBe((first.Text, first.Confidence));
        second.CitedSources.ShouldBe(first.CitedSources);
        first.Text.ShouldBe("Parking is free for staff. [1]");
    }

    [Fact]
    public async Task Below_the_confidence_threshold_it_answers_with_the_I_dont_know_message()
    {
        var hits = new[] { Hit(0, "Parking is free for staff.") };
        var (deltas, completed) = await RunAsync("How do I reset my password?", hits, Settings);
        completed.Unknown.ShouldBeTrue();
        completed.Text.ShouldBe("I don't know.");
        completed.CitedSources.ShouldBeEmpty();
        string.Concat(deltas).ShouldBe("I don't know.");
    }

    [Fact]
    public async Task Confidence_is_the_share_of_question_terms_the_answer_covers()
    {
        var hits = new[] { Hit(0, "Employees receive 25 days of paid vacation per year.") };
        var completed = (await RunAsync("How many vacation days do employees receive?", hits, Settings)).Completed;
        completed.Confidence.ShouldBe(1.0);
        var partial = (await RunAsync("vacation days for contractors", hits, Settings with { ConfidenceThreshold = 0 })).Completed;
        partial.Confidence.ShouldBe(2.0 / 3, 1e-9);
    }

    private static string RandomChunk(Random random) =>
        string.Join(random.Next(2) == 0 ? " " : "\n", Enumerable.Range(0, random.Next(1, 6)).Select(_ =>
        {
            var words = Enumerable.Range(0, random.Next(2, 12)).Select(_ => Vocabulary[random.Next(Vocabulary.Length)]);
            return char.ToUpperInvariant(string.Join(' ', words)[0]) + string.Join(' ', words)[1..] + (random.Next(3) == 0 ? "。" : ".");
        }));

    private static SearchHit Hit(int i, string text) =>
        new(1000 + i, Guid.Empty, "doc", text, null, [], 1.0 / (i + 1), i + 1, i + 1, null, null, []);

    private static async Task<(List<string> Deltas, GenerationCompleted Completed)> RunAsync(string question, IReadOnlyList<SearchHit> hits, ChatSettings settings)
    {
        var deltas = new List<string>();
        GenerationCompleted? completed = null;
        await foreach (var e in new ExtractiveGenerator().GenerateAsync(
            new GenerationRequest(question, question, hits, [], ResolvedGenerator.Extractive, settings), CancellationToken.None))
        {
            if (e is GenerationDelta d) deltas.Add(d.Text);
            else completed = (GenerationCompleted)e;
        }
        return (deltas, completed!);
    }

    // "sentence [n]" pieces separated by one space; random corpora contain no brackets.
    [GeneratedRegex(@"(?:^| )([^\[\]]+?) \[(\d+)\]")]
    private static partial Regex Piece();
}
