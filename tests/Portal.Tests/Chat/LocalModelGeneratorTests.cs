using System.Runtime.CompilerServices;
using System.Text.Json;
using Portal.Chat;
using Portal.Chat.Generators;
using Portal.Search;

namespace Portal.Tests.Chat;

public sealed class LocalModelGeneratorTests
{
    private static readonly ChatSettings Settings = new("I don't know.", 0.4, 0.8);

    /// <summary>Counts a character as a token and streams a scripted answer, recording what it was asked.</summary>
    private sealed class ScriptedModel(int contextLength, params string[] deltas) : ILocalChatModel
    {
        public List<LocalChatRequest> Requests { get; } = [];
        public bool IsInstalled => true;
        public int ContextLength => contextLength;
        public int CountPromptTokens(IReadOnlyList<LocalChatMessage> messages) => messages.Sum(m => m.Content.Length);
        public bool HasAdapter(Guid tenantId, string version) => true;

        public async IAsyncEnumerable<string> StreamAsync(LocalChatRequest request, LocalChatUsage usage, [EnumeratorCancellation] CancellationToken ct)
        {
            Requests.Add(request);
            foreach (var delta in deltas)
            {
                await Task.Yield();
                yield return delta;
            }
            (usage.PromptTokens, usage.CompletionTokens) = (CountPromptTokens(request.Messages), deltas.Length);
        }
    }

    private static SearchHit Hit(int i, string text) =>
        new(1000 + i, Guid.Empty, "doc", text, null, [], 1.0 / (i + 1), i + 1, i + 1, null, null, []);

    private static GenerationRequest Request(IReadOnlyList<SearchHit> hits, IReadOnlyList<ChatTurn>? history = null, string settingsJson = "{}",
        string? adapter = null) =>
        new("How many vacation days?", "vacation days", hits, history ?? [],
            new ResolvedGenerator(GeneratorKinds.Local, null, null, null, JsonDocument.Parse(settingsJson).RootElement), Settings with { AdapterVersion = adapter })
        { TenantId = Guid.NewGuid() };

    private static async Task<(List<string> Deltas, GenerationCompleted Completed)> RunAsync(ILocalChatModel model, GenerationRequest request)
    {
        var deltas = new List<string>();
        GenerationCompleted? completed = null;
        await foreach (var e in new LocalModelGenerator([model]).GenerateAsync(request, CancellationToken.None))
            if (e is GenerationDelta d) deltas.Add(d.Text);
            else completed = (GenerationCompleted)e;
        return (deltas, completed!);
    }

    [Fact]
    public async Task Tokens_stream_as_deltas_and_only_shown_sources_count_as_citations()
    {
        var model = new ScriptedModel(100_000, "Employees get ", "25 days [1]", " and more [7].");
        var (deltas, completed) = await RunAsync(model, Request([Hit(0, "Employees receive 25 vacation days."), Hit(1, "Other.")], adapter: "v3"));

        deltas.ShouldBe(["Employees get ", "25 days [1]", " and more [7]."]);
        completed.Text.ShouldBe(string.Concat(deltas));
        completed.CitedSources.ShouldBe([1]);
        completed.Generator.ShouldBe("local:v3");
        completed.CompletionTokens.ShouldBe(3);
        model.Requests.Single().AdapterVersion.ShouldBe("v3");
        model.Requests.Single().Messages[^1].Content.ShouldContain("<<<SOURCE 2>>> doc");
    }

    [Fact]
    public void A_long_prompt_loses_old_turns_first_then_the_lowest_ranked_sources()
    {
        var hits = Enumerable.Range(0, 4).Select(i => Hit(i, new string((char)('a' + i), 400))).ToList();
        List<ChatTurn> history = [new(MessageRole.User, new string('q', 300)), new(MessageRole.Assistant, new string('r', 300))];
        var full = LocalModelGenerator.Fit(new ScriptedModel(100_000), Request(hits, history), 100).Messages.Sum(m => m.Content.Length);

        var (withoutHistory, shownAll) = LocalModelGenerator.Fit(new ScriptedModel(full - 600 + 100), Request(hits, history), 100);
        var (fewer, shown) = LocalModelGenerator.Fit(new ScriptedModel(full - 600 - 430 + 100), Request(hits, history), 100);

        shownAll.ShouldBe(4);
        withoutHistory.Select(m => m.Role).ShouldBe(["system", "user"]);
        shown.ShouldBe(3);
        fewer[^1].Content.ShouldContain("<<<SOURCE 3>>>");
        fewer[^1].Content.ShouldNotContain("<<<SOURCE 4>>>");
        Should.Throw<PortalException>(() => LocalModelGenerator.Fit(new ScriptedModel(500), Request(hits), 100)).Status.ShouldBe(422);
    }

    [Fact]
    public void Sampling_settings_are_read_from_the_generator_config_and_clamped()
    {
        var sampling = LocalModelGenerator.Sampling(JsonDocument.Parse("""{"temperature": 0.7, "top_p": 0.9, "top_k": 40, "seed": 5, "max_tokens": 99999, "stop": ["</s>", ""]}""").RootElement);
        var defaults = LocalModelGenerator.Sampling(JsonDocument.Parse("{}").RootElement);

        sampling.ShouldBe(new LocalSampling(4096, 0.7, 0.9, 40, 5) { StopSequences = sampling.StopSequences });
        sampling.StopSequences.ShouldBe(["</s>"]);
        defaults.ShouldBe(new LocalSampling(256, 0, 1, 0, null) { StopSequences = defaults.StopSequences });
        defaults.StopSequences.ShouldBeEmpty();
    }

    [Fact]
    public async Task Without_an_installed_model_the_slot_answers_501()
    {
        var generator = new LocalModelGenerator([]);
        var error = await Should.ThrowAsync<PortalException>(async () =>
        {
            await foreach (var _ in generator.GenerateAsync(Request([Hit(0, "x")]), CancellationToken.None)) { }
        });
        error.Code.ShouldBe("local-engine-not-installed");
        error.Status.ShouldBe(501);
    }
}
