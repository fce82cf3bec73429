using Portal.Ml.Training.Embeddings;
using Portal.Search.Embeddings;
using Xunit.Abstractions;

namespace Portal.Ml.Tests.Trainers;

public sealed class EmbeddingProjectionTests(ITestOutputHelper output) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("portal-embed-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>
    /// Sixty passages, each naming three of sixteen concepts in the documentation's words; each
    /// question asks for the same three in the customers' words (synonyms that share no letters'
    /// worth of n-grams). The lexical embedder cannot connect them; a projection can learn to.
    /// </summary>
    internal static (List<string> passages, List<string> questions) SyntheticQa()
    {
        string[] docWords = ["invoice", "refund", "password", "shipment", "warranty", "subscription", "discount", "receipt",
            "account", "delivery", "exchange", "payment", "upgrade", "voucher", "address", "complaint"];
        string[] askWords = ["bill", "moneyback", "login", "parcel", "guarantee", "plan", "coupon", "slip",
            "profile", "courier", "swap", "charge", "boost", "token", "location", "grievance"];
        var random = new Random(9);
        var combinations = new HashSet<string>();
        var passages = new List<string>();
        var questions = new List<string>();
        while (passages.Count < 60)
        {
            var concepts = Enumerable.Range(0, 16).OrderBy(_ => random.Next()).Take(3).Order().ToArray();
            if (!combinations.Add(string.Join(',', concepts)))
                continue;
            passages.Add($"Policy {passages.Count}: {string.Join(" and ", concepts.Select(c => docWords[c]))} rules for customers.");
            questions.Add($"how do I handle {string.Join(" with ", concepts.OrderBy(_ => random.Next()).Select(c => askWords[c]))}");
        }
        return (passages, questions);
    }

    internal static double RecallAt5(Func<string, float[]> embed, List<string> passages, List<string> questions, IEnumerable<int> which)
    {
        var rank = HardNegativeMiner.InMemory(passages, embed);
        var ids = which.ToList();
        return ids.Count(i => rank(questions[i], 5).Contains(passages[i])) / (double)ids.Count;
    }

    [Fact]
    public async Task A_projection_fine_tuned_on_a_tenants_questions_improves_recall_at_5_on_held_out_ones()
    {
        var hashed = new HashedNgramEmbedder(384);
        var (passages, questions) = SyntheticQa();
        var train = Enumerable.Range(0, 45).ToList();
        var heldOut = Enumerable.Range(45, 15).ToList();
        var before = RecallAt5(hashed.Embed, passages, questions, heldOut);

        var examples = train.Select(i => new ContrastiveExample(questions[i], [passages[i]], [])).ToList();
        var mined = new HardNegativeMiner(PerQuery: 3).Mine(examples, HardNegativeMiner.InMemory(passages, hashed.Embed));
        EngineTestSetup.Deterministic(4);
        var (projection, result) = new ProjectionTrainer(hashed.Embed, hashed.Dimensions)
            .Train(mined, new ContrastiveOptions { Rank = 32, Epochs = 30, BatchSize = 16, LearningRate = 2e-2 });
        var manifest = ProjectionManifest.Save(Path.Combine(folder, "acme", "1"), projection, hashed.ModelId, "acme", "1", new ContrastiveOptions(), result.Steps);
        projection.Dispose();

        var registry = new EmbedderRegistry(ProjectedEmbedder.LoadAll(folder, hashed), hashed);
        var tuned = registry.Resolve(manifest.ModelId);
        float[] EmbedTuned(string text) => tuned.EmbedAsync([text], CancellationToken.None).AsTask().Result[0];
        var after = RecallAt5(EmbedTuned, passages, questions, heldOut);
        output.WriteLine($"recall@5 held out: {before:P0} → {after:P0}; loss {result.LossCurve[0]:F3} → {result.FinalLoss:F3} in {result.Steps} steps");

        manifest.ModelId.ShouldBe($"{hashed.ModelId}+proj:acme:1");
        mined.ShouldAllBe(e => e.Negatives.Count == 3 && !e.Negatives.Contains(e.Positives[0]));
        after.ShouldBeGreaterThanOrEqualTo(before + 0.3);
        (await tuned.EmbedAsync(["refund"], CancellationToken.None))[0].Sum(x => x * x).ShouldBe(1f, tolerance: 1e-4);
    }
}
