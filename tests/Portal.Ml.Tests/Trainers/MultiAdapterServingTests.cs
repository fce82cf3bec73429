using Portal.Ml.Adapters;
using Portal.Ml.Generation;
using Portal.Ml.Models.HuggingFace;
using Portal.Ml.Serving;
using Portal.Ml.Tests.Models;
using Portal.Ml.Tokenizers;

namespace Portal.Ml.Tests.Trainers;

public sealed class MultiAdapterServingTests : IDisposable
{
    private static readonly GenerationOptions Short = new() { MaxNewTokens = 6, StopTokenIds = [-1] };
    private readonly string folder = Directory.CreateTempSubdirectory("portal-serving-").FullName;
    private readonly HuggingFaceModelDirectory directory;
    private readonly AdapterRegistry registry;
    private readonly LocalModelServer server;
    private readonly (string name, long input, long output)[] layers;
    private readonly IReadOnlyList<int> prompt;

    public MultiAdapterServingTests()
    {
        directory = HuggingFaceModelDirectory.Load(TinyModels.Directory(TinyModelFamily.Qwen2));
        layers = Linears(directory);
        registry = new AdapterRegistry(Path.Combine(folder, "adapters"), new AdapterCacheOptions { MaxAdapters = 2 });
        server = LocalModelServer.For(directory, registry);
        prompt = server.EncodeChat([new ChatMessage("user", "What does Portal answer from?")]);
    }

    public void Dispose()
    {
        registry.Dispose();
        directory.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    private static (string name, long input, long output)[] Linears(HuggingFaceModelDirectory model) =>
        model.RequireCausalLanguageModel().Root.named_modules()
            .Where(m => m.module is Portal.Ml.Modules.Linear && !m.name.EndsWith("lm_head", StringComparison.Ordinal))
            .Select(m => (m.name, ((Portal.Ml.Modules.Linear)m.module).in_features, ((Portal.Ml.Modules.Linear)m.module).out_features)).ToArray();

    /// <summary>Writes a random (strong) PEFT adapter for every linear layer at adapters/{tenant}/{version}.</summary>
    private string Publish(string tenant, string version, long seed)
    {
        torch.manual_seed(seed);
        using var scope = torch.NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (name, input, output) in layers)
        {
            tensors[$"base_model.model.{name}.lora_A.weight"] = torch.randn([2, input]).mul(0.5);
            tensors[$"base_model.model.{name}.lora_B.weight"] = torch.randn([output, 2]).mul(0.5);
        }
        var path = Path.Combine(folder, "adapters", tenant, version);
        PeftAdapterFormat.Write(path, tensors, new AdapterConfig(2, 4, 0, ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"], "tiny"));
        return path;
    }

    private async Task<ServedGeneration> Serve(string tenant, string? version = null, GenerationOptions? options = null) =>
        await server.GenerateAsync(tenant, version, prompt, options ?? Short);

    private async Task<string> Ask(string tenant, string? version = null) => (await Serve(tenant, version)).Result.Text;

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
    public async Task Kv_cached_served_output_with_an_adapter_equals_a_full_recompute_with_the_adapter_applied()
    {
        var adapter = Publish("a", "v1", 11);
        var options = new GenerationOptions { MaxNewTokens = 12, StopTokenIds = [-1] };
        var served = await Serve("a", "v1", options);
        var bare = await Serve("a", version: null, options);

        // The same adapter, loaded into LoRALinear layers of a second copy, decoded greedily by re-running the whole sequence.
        using var reference = HuggingFaceModelDirectory.Load(directory.Path);
        var model = reference.RequireCausalLanguageModel();
        PeftAdapterFormat.Apply(model, adapter).Count.ShouldBe(layers.Length);
        var ids = prompt.Select(i => (long)i).ToList();
        var expected = new List<int>();
        using (torch.no_grad())
            for (var step = 0; step < options.MaxNewTokens; step++)
            {
                using var scope = torch.NewDisposeScope();
                var logits = model.Forward(torch.tensor(ids.ToArray(), [1, ids.Count]));
                var next = (int)logits.narrow(1, ids.Count - 1, 1).argmax(-1).ToDouble();
                expected.Add(next);
                ids.Add(next);
            }

        served.Adapter.ShouldBe(new AdapterKey("a", "v1"));
        served.Result.TokenIds.ShouldBe(expected);
        bare.Result.TokenIds.ShouldNotBe(expected, "the adapter must change the answer for the comparison to mean anything");
    }

    [Fact]
    public async Task Streamed_deltas_equal_the_generated_text_under_a_seed_with_an_adapter()
    {
        Publish("a", "v1", 5);
        var sampling = new GenerationOptions { MaxNewTokens = 10, Temperature = 0.8, TopP = 0.95, TopK = 40, Seed = 42 };
        var whole = await Serve("a", "v1", sampling);

        var deltas = new List<string>();
        ServedGeneration? completed = null;
        await foreach (var delta in server.StreamAsync("a", "v1", prompt, sampling, r => completed = r))
            deltas.Add(delta);

        string.Concat(deltas).ShouldBe(whole.Result.Text);
        completed!.Result.TokenIds.ShouldBe(whole.Result.TokenIds);
    }

    [Fact]
    public async Task A_stop_sequence_and_max_tokens_bound_a_served_answer()
    {
        Publish("a", "v1", 7);
        var full = (await Serve("a", "v1", new GenerationOptions { MaxNewTokens = 16, StopTokenIds = [-1] })).Result;
        var at = Enumerable.Range(2, full.Text.Length - 3).First(i => !char.IsSurrogate(full.Text[i]) && !char.IsSurrogate(full.Text[i + 1])
                                                                      && full.Text[i] != '\uFFFD' && full.Text[i + 1] != '\uFFFD');
        var stop = full.Text.Substring(at, 2);

        var stopped = (await Serve("a", "v1", new GenerationOptions { MaxNewTokens = 16, StopTokenIds = [-1], StopSequences = [stop] })).Result;
        var capped = (await Serve("a", "v1", new GenerationOptions { MaxNewTokens = 3, StopTokenIds = [-1] })).Result;

        stopped.FinishReason.ShouldBe(FinishReason.StopSequence);
        stopped.Text.ShouldBe(full.Text[..full.Text.IndexOf(stop, StringComparison.Ordinal)]);
        capped.TokenIds.ShouldBe(full.TokenIds.Take(3));
        capped.FinishReason.ShouldBe(FinishReason.Length);
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
            var served = await Serve("a");
            return (version: served.Adapter!.Value.Version, served.Result.Text);
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
        (await Serve("b")).Adapter.ShouldBe(new AdapterKey("b", "v1"));
        registry.LoadedKeys.ShouldNotContain(new AdapterKey("a", "v1"));
    }

    [Fact]
    public async Task An_adapter_for_another_base_model_is_refused_before_decoding_and_other_tenants_are_unaffected()
    {
        Publish("b", "v1", 3);
        var bBefore = await Ask("b");
        using (var scope = torch.NewDisposeScope())
            PeftAdapterFormat.Write(Path.Combine(folder, "adapters", "a", "wide"), new Dictionary<string, Tensor>
            {
                ["base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"] = torch.randn([2, layers[0].input + 1]),
                ["base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight"] = torch.randn([layers[0].output, 2]),
            }, new AdapterConfig(2, 4, 0, ["q_proj"], "another"));

        await Should.ThrowAsync<AdapterMismatchException>(() => Serve("a", "wide"));

        (await Ask("b")).ShouldBe(bBefore);
    }

    [Fact]
    public async Task Leaving_a_stream_early_stops_decoding_and_returns_its_lease()
    {
        Publish("a", "v1", 1);
        Publish("a", "v2", 2);
        registry.Activate("a", "v1");
        AdapterKey? used = null;
        var first = "";
        await foreach (var delta in server.StreamAsync("a", null, prompt, new GenerationOptions { MaxNewTokens = 200, StopTokenIds = [-1] }, r => used = r.Adapter))
        {
            first = delta;
            break;
        }
        LoadedAdapter v1;
        using (var lease = registry.Acquire("a"))
            v1 = lease.Adapter!;

        registry.Activate("a", "v2");

        first.ShouldNotBeEmpty();
        used.ShouldBeNull("the stream was left before the end");
        v1.IsReleased.ShouldBeTrue("the stream's lease ended with it");
    }
}
