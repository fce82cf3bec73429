extern alias MlCli;

using Microsoft.Extensions.Configuration;
using Portal.FineTuning;
using Portal.IntegrationTests.Infrastructure;
using Portal.Ml.Training.Embeddings;
using static Portal.TestSupport.SearchCorpus;

namespace Portal.IntegrationTests.FineTuning;

/// <summary>
/// <c>./portal train embed --kb</c> mines hard negatives through the tenant's own hybrid search, as the tenant:
/// another tenant's chunks (here written in the same words, so they would rank high) never come back.
/// </summary>
[Collection(DatabaseCollection.Name)]
public sealed class TenantHardNegativeTests(SharedApp app)
{
    private static readonly string[] Topics = ["invoice", "refund", "password", "shipment", "warranty", "discount"];

    private static List<ChunkSpec> Chunks(string owner) =>
        Topics.SelectMany(t => new[]
        {
            new ChunkSpec($"{owner}: how to handle a {t} for a customer"),
            new ChunkSpec($"{owner}: the {t} policy and its exceptions"),
            new ChunkSpec($"{owner}: {t} questions customers ask"),
        }).ToList();

    [Fact]
    public async Task Mined_negatives_come_only_from_the_tenants_knowledge_base_and_exclude_the_positives()
    {
        var acme = await app.RegisterAsync();
        var globex = await app.RegisterAsync();
        var acmeKb = await CreateKnowledgeBaseAsync(app, acme.TenantId);
        var acmeOtherKb = await CreateKnowledgeBaseAsync(app, acme.TenantId);
        var globexKb = await CreateKnowledgeBaseAsync(app, globex.TenantId);
        var acmeChunks = Chunks("acme");
        await AddDocumentAsync(app, acme.TenantId, acmeKb, "handbook", acmeChunks);
        await AddDocumentAsync(app, acme.TenantId, acmeOtherKb, "other", Chunks("acme other"));
        await AddDocumentAsync(app, globex.TenantId, globexKb, "handbook", Chunks("globex"));

        var examples = Topics.Select(t => new ContrastiveExample($"how do I handle a {t}?", [$"acme: how to handle a {t} for a customer"], [])).ToList();
        var ranker = new KnowledgeBaseRanker(app.Services, acme.TenantId, acmeKb);
        var mined = await new HardNegativeMiner(PerQuery: 50).MineAsync(examples, ranker.RankAsync, CancellationToken.None);

        var acmeTexts = acmeChunks.Select(c => c.Text).ToHashSet();
        mined.Count.ShouldBe(examples.Count);
        mined.ShouldAllBe(e => e.Negatives.Count > 0);
        mined.SelectMany(e => e.Negatives).ShouldAllBe(n => acmeTexts.Contains(n));
        mined.ShouldAllBe(e => !e.Negatives.Intersect(e.Positives).Any());
        // Ranks 2-200 of an 18-chunk index: every chunk but the first hit and the positive is a negative.
        foreach (var example in mined)
        {
            var first = (await ranker.RankAsync(example.Query, 1, CancellationToken.None)).Single();
            example.Negatives.Concat(example.Positives).Append(first).ToHashSet().SetEquals(acmeTexts).ShouldBeTrue(example.Query);
        }
    }

    [Fact]
    public async Task Train_embed_with_kb_writes_the_mined_file_from_the_tenants_index()
    {
        var acme = await app.RegisterAsync();
        var globex = await app.RegisterAsync();
        var acmeKb = await CreateKnowledgeBaseAsync(app, acme.TenantId);
        var globexKb = await CreateKnowledgeBaseAsync(app, globex.TenantId);
        var acmeChunks = Chunks("acme");
        await AddDocumentAsync(app, acme.TenantId, acmeKb, "handbook", acmeChunks);
        await AddDocumentAsync(app, globex.TenantId, globexKb, "handbook", Chunks("globex"));
        var folder = Directory.CreateTempSubdirectory("portal-train-embed-kb-").FullName;
        try
        {
            var data = Path.Combine(folder, "pairs.jsonl");
            ContrastiveExample.WriteJsonl(data, Topics.Select(t => new ContrastiveExample($"{t} help", [$"acme: the {t} policy and its exceptions"], [])));
            var mined = Path.Combine(folder, "mined.jsonl");
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Portal"] = app.Database.AppConnectionString }).Build();
            var output = new StringWriter();
            var error = new StringWriter();

            var status = await MlCli::Portal.Ml.Cli.VerbDispatcher.RunAsync([new MlCli::Portal.Ml.Cli.Training.TrainEmbedVerb(configuration)],
                ["train", "embed", "--base", "hashed", "--data", data, "--out", Path.Combine(folder, "out"), "--kb", acmeKb.ToString(),
                 "--tenant", acme.TenantId.ToString(), "--mined-out", mined, "--mine-only", "--negatives", "5"], output, error, CancellationToken.None);

            status.ShouldBe(0, error.ToString());
            var examples = ContrastiveExample.ReadJsonl(mined);
            examples.Count.ShouldBe(Topics.Length);
            examples.ShouldAllBe(e => e.Negatives.Count == 5 && !e.Negatives.Contains(e.Positives[0]));
            examples.SelectMany(e => e.Negatives).ShouldAllBe(n => acmeChunks.Any(c => c.Text == n));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Another_tenants_knowledge_base_ranks_nothing()
    {
        var acme = await app.RegisterAsync();
        var globex = await app.RegisterAsync();
        var globexKb = await CreateKnowledgeBaseAsync(app, globex.TenantId);
        await AddDocumentAsync(app, globex.TenantId, globexKb, "handbook", Chunks("globex"));

        var ranker = new KnowledgeBaseRanker(app.Services, acme.TenantId, globexKb);

        var error = await Should.ThrowAsync<PortalException>(() => ranker.RankAsync("how do I handle a refund?", 200, CancellationToken.None));
        error.Status.ShouldBe(404);
    }
}
