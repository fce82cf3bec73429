using Portal.Ml.Adapters;
using Portal.Ml.Cli;
using Portal.Ml.Models;
using Portal.Ml.Models.HuggingFace;
using Portal.Ml.Modules;

namespace Portal.Ml.Tests.Models;

public sealed class PeftAndCliTests
{
    [Fact]
    public void A_PEFT_adapter_saved_and_applied_reproduces_the_adapted_logits()
    {
        var basePath = TinyModels.Directory(TinyModelFamily.Qwen2);
        var adapterPath = Directory.CreateTempSubdirectory("peft").FullName;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var ids = torch.tensor([3L, 14, 15, 92, 65], [1, 5]);
        var options = new LoraOptions { Rank = 4, Alpha = 8, TargetModules = "q_proj|v_proj" };

        float[] expected;
        using (var trained = HuggingFaceModelDirectory.Load(basePath))
        {
            var model = trained.RequireCausalLanguageModel();
            LoraInjection.Apply(model.Root, options);
            foreach (var (name, parameter) in model.Root.named_parameters().Where(p => p.name.EndsWith("lora_B", StringComparison.Ordinal)))
                parameter.normal_(0, 0.5);
            expected = model.Forward(ids).data<float>();
            PeftAdapterFormat.Save(adapterPath, model.Root, basePath);
        }

        using var fresh = HuggingFaceModelDirectory.Load(basePath);
        var wrapped = PeftAdapterFormat.Apply(fresh.RequireCausalLanguageModel(), adapterPath);

        wrapped.Count.ShouldBe(4);
        fresh.RequireCausalLanguageModel().Forward(ids).data<float>().ShouldBe(expected, tolerance: 1e-5);
        File.ReadAllText(Path.Combine(adapterPath, "adapter_config.json")).ShouldContain("\"q_proj\"");
        wrapped.ShouldContain("model.layers.0.self_attn.q_proj");
    }

    [Fact]
    public async Task Generate_verb_streams_text_and_ends_with_a_JSON_summary()
    {
        var output = new StringWriter();
        var status = await VerbDispatcher.RunAsync([new Portal.Ml.Cli.Generation.GenerateVerb()],
            ["generate", "--base", TinyModels.Directory(TinyModelFamily.Llama), "--prompt", "Hi", "--max-tokens", "5", "--seed", "3", "--temperature", "0.7"],
            output, TextWriter.Null, CancellationToken.None);

        status.ShouldBe(0);
        var lines = output.ToString().TrimEnd().Split('\n');
        lines[^1].ShouldStartWith("{\"tokens\":5,");
        lines[^1].ShouldContain("\"tokens_per_second\":");
    }

    [Fact]
    public async Task Generate_verb_with_an_adapter_serves_it_unmerged_and_answers_differently()
    {
        var basePath = TinyModels.Directory(TinyModelFamily.Qwen2);
        var adapterPath = Directory.CreateTempSubdirectory("peft-generate").FullName;
        using (var trained = HuggingFaceModelDirectory.Load(basePath))
        {
            var model = trained.RequireCausalLanguageModel();
            torch.manual_seed(3);
            LoraInjection.Apply(model.Root, new LoraOptions { Rank = 4, Alpha = 8, TargetModules = LoraOptions.AllLinear });
            using (torch.no_grad())
                foreach (var (_, parameter) in model.Root.named_parameters().Where(p => p.name.EndsWith("lora_B", StringComparison.Ordinal)))
                    parameter.normal_(0, 0.5);
            PeftAdapterFormat.Save(adapterPath, model.Root, basePath);
        }

        async Task<string[]> Generate(params string[] extra)
        {
            var output = new StringWriter();
            var status = await VerbDispatcher.RunAsync([new Portal.Ml.Cli.Generation.GenerateVerb()],
                ["generate", "--base", basePath, "--prompt", "Hi", "--max-tokens", "8", .. extra], output, TextWriter.Null, CancellationToken.None);
            status.ShouldBe(0);
            return output.ToString().TrimEnd().Split('\n');
        }
        var bare = await Generate();
        var adapted = await Generate("--adapter", adapterPath);

        adapted[0].ShouldBe($"adapter {adapterPath}: 14 LoRA modules");
        adapted[^2].ShouldNotBe(bare[^2], "the adapter's deltas change the greedy answer");
    }
}
