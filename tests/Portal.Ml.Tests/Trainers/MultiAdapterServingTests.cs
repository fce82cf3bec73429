using Portal.Ml.Adapters;
using Portal.Ml.Models;
using Portal.Ml.Serving;
using Portal.Ml.Training.Lora;

namespace Portal.Ml.Tests.Trainers;

public sealed class MultiAdapterServingTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("portal-serving-").FullName;
    private readonly DecoderLanguageModel decoder;
    private readonly AdapterRegistry registry;
    private readonly LocalModelServer server;
    private readonly (string name, long input, long output)[] layers;
    private static readonly GenerationOptions Short = new() { MaxNewTokens = 6, ApplyPromptFormat = false };

    public MultiAdapterServingTests()
    {
        decoder = DecoderModelDirectory.Load(TinyChat.SaveRandomBase(folder));
        registry = new AdapterRegistry(Path.Combine(folder, "adapters"), new AdapterCacheOptions { MaxAdapters = 2 });
        layers = decoder.named_modules().Where(m => m.module is Portal.Ml.Modules.Linear && !m.name.EndsWith("lm_head", StringComparison.Ordinal))
            .Select(m => (m.name, ((Portal.Ml.Modules.Linear)m.module).in_features, ((Portal.Ml.Modules.Linear)m.module).out_features)).ToArray();
        server = new LocalModelServer(TrainableLanguageModel.From(decoder), TinyChat.Tokenizer, registry);
    }

    public void Dispose()
    {
        registry.Dispose();
        decoder.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>Writes a random (strong) PEFT adapter for every linear layer at adapters/{tenant}/{version}.</summary>
    private void Publish(string tenant, string version, long seed)
    {
        torch.manual_seed(seed);
        using var scope = torch.NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (name, input, output) in layers)
        {
            tensors[$"base_model.model.{name}.lora_A.weight"] = torch.randn([2, input]).mul(0.5);
            tensors[$"base_model.model.{name}.lora_B.weight"] = torch.randn([output, 2]).mul(0.5);
        }
        PeftAdapterFormat.Write(Path.Combine(folder, "adapters", tenant, version), tensors, new AdapterConfig(2, 4, 0, ["all-linear"], "tiny"));
    }

    private async Task<string> Ask(string tenant, string? version = null) =>
        (await server.GenerateAsync(tenant, version, "Q:Zorn?\nA:", Short, CancellationToken.None)).Text;

    [Fact]
    public async Task After_a_hot_swap_tenant_a_answers_differently_and_tenant_b_does_not()
    {
        Publish("a", "v1", 1);
        Publish("a", "v2", 2);
        Publish("b", "v1", 3);
        registry.Activate("a", "v1");
        registry.Activate("b", "v1");
        var baseAnswer = await Ask("nobody");
        var aBefore = await Ask("a");
        var bBefore = await Ask("b");

        registry.Activate("a", "v2");

        (await Ask("a")).ShouldNotBe(aBefore);
        (await Ask("b")).ShouldBe(bBefore);
        (await Ask("nobody")).ShouldBe(baseAnswer);
        aBefore.ShouldNotBe(baseAnswer);
    }

    [Fact]
    public async Task Requests_in_flight_during_a_swap_all_succeed_and_the_old_version_is_freed_after_the_last()
    {
        Publish("a", "v1", 1);
        Publish("a", "v2", 2);
        registry.Activate("a", "v1");
        var expected = new Dictionary<string, string> { ["v1"] = await Ask("a", "v1"), ["v2"] = await Ask("a", "v2") };
        registry.Activate("a", "v1");

        var held = registry.Acquire("a");
        var old = held.Adapter!;
        var requests = Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            if (i == 4)
                registry.Activate("a", "v2");
            var result = await server.GenerateAsync("a", null, "Q:Zorn?\nA:", Short, CancellationToken.None);
            return (version: result.Adapter!.Value.Version, result.Text);
        })).ToList();
        var results = await Task.WhenAll(requests);

        results.ShouldAllBe(r => r.Text == expected[r.version]);
        registry.ActiveVersion("a").ShouldBe("v2");
        old.IsReleased.ShouldBeFalse();
        held.Dispose();
        old.IsReleased.ShouldBeTrue();
        (await Ask("a")).ShouldBe(expected["v2"]);
    }

    [Fact]
    public async Task The_cache_evicts_the_least_recently_used_adapter_beyond_its_bound()
    {
        foreach (var tenant in new[] { "a", "b", "c" })
        {
            Publish(tenant, "v1", tenant[0]);
            registry.Activate(tenant, "v1");
        }
        await Ask("a");
        await Ask("b");
        await Ask("a");
        await Ask("c");

        registry.LoadedCount.ShouldBe(2);
        registry.LoadedKeys.ShouldBe([new AdapterKey("c", "v1"), new AdapterKey("a", "v1")]);
        (await Ask("b")).ShouldNotBeNullOrEmpty();
        registry.LoadedKeys.ShouldNotContain(new AdapterKey("a", "v1"));
    }
}
