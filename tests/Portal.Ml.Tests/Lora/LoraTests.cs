using Portal.Ml.Models;
using Portal.Ml.Modules;

namespace Portal.Ml.Tests.Lora;

public sealed class LoraTests
{
    private static Linear TrainedLinear()
    {
        EngineTestSetup.Deterministic(42);
        return new Linear(6, 5);
    }

    [Fact]
    public void Lora_with_zero_B_equals_the_base_output()
    {
        using var scope = torch.NewDisposeScope();
        var baseLayer = TrainedLinear();
        var input = torch.randn([3, 6]);
        var expected = baseLayer.forward(input).data<float>();

        var adapter = new LoRALinear(baseLayer, rank: 2, alpha: 4);

        adapter.lora_A.abs().sum().ToDouble().ShouldBeGreaterThan(0, "A must be random so that B = 0 is what keeps the output unchanged");
        adapter.forward(input).data<float>().ShouldBe(expected);
    }

    [Fact]
    public void Lora_adds_B_times_A_scaled_by_alpha_over_rank()
    {
        using var scope = torch.NewDisposeScope();
        var baseLayer = TrainedLinear();
        var adapter = new LoRALinear(baseLayer, rank: 2, alpha: 4);
        adapter.lora_B.normal_();
        var input = torch.randn([3, 6]);

        var expected = baseLayer.forward(input) + input.matmul(adapter.lora_A.t()).matmul(adapter.lora_B.t()) * 2.0;

        (adapter.forward(input) - expected).abs().max().ToDouble().ShouldBeLessThan(1e-5);
    }

    [Fact]
    public void Merge_followed_by_unmerge_restores_the_base_weight()
    {
        using var scope = torch.NewDisposeScope();
        var baseLayer = TrainedLinear();
        var original = baseLayer.weight.data<float>();
        var adapter = new LoRALinear(baseLayer, rank: 2, alpha: 4);
        adapter.lora_B.normal_();
        var input = torch.randn([3, 6]);
        var unmergedOutput = adapter.forward(input).data<float>();

        adapter.merge();
        baseLayer.weight.data<float>().ShouldNotBe(original);
        adapter.forward(input).data<float>().ShouldBe(unmergedOutput, tolerance: 1e-5);

        adapter.unmerge();
        baseLayer.weight.data<float>().ShouldBe(original, tolerance: 1e-6);
    }

    [Fact]
    public void Only_lora_parameters_receive_gradients()
    {
        using var scope = torch.NewDisposeScope();
        EngineTestSetup.Deterministic(3);
        var model = new DecoderLanguageModel(new DecoderConfig(VocabularySize: 16, ModelDimension: 8, Heads: 2, Layers: 1, MaxSequenceLength: 4));
        LoraInjection.Apply(model, new LoraOptions { Rank = 2, TargetModules = "q_proj|v_proj" });
        foreach (var (_, module) in model.named_modules())
            if (module is LoRALinear adapter)
                adapter.lora_B.normal_();

        var tokens = torch.tensor([1L, 2, 3, 4], [1, 4]);
        model.Loss(tokens, tokens).backward();

        foreach (var (name, parameter) in model.named_parameters())
        {
            var isLora = name.Contains("lora_", StringComparison.Ordinal);
            (parameter.grad is not null).ShouldBe(isLora, name);
        }
    }

    [Fact]
    public void Target_patterns_select_linear_layers_by_qualified_name()
    {
        using var scope = torch.NewDisposeScope();
        var config = new DecoderConfig(VocabularySize: 16, ModelDimension: 8, Heads: 2, Layers: 2, MaxSequenceLength: 4);

        var attentionOnly = LoraInjection.Apply(new DecoderLanguageModel(config), new LoraOptions { TargetModules = "q_proj|v_proj" });
        var allLinear = LoraInjection.Apply(new DecoderLanguageModel(config), new LoraOptions { TargetModules = LoraOptions.AllLinear });

        attentionOnly.ShouldBe(["blocks.0.attn.q_proj", "blocks.0.attn.v_proj", "blocks.1.attn.q_proj", "blocks.1.attn.v_proj"]);
        allLinear.Count.ShouldBe(12);
        allLinear.ShouldNotContain("lm_head");
    }

    [Fact]
    public void An_injected_adapter_is_used_by_the_forward_pass()
    {
        using var scope = torch.NewDisposeScope();
        EngineTestSetup.Deterministic(5);
        var model = new DecoderLanguageModel(new DecoderConfig(VocabularySize: 16, ModelDimension: 8, Heads: 2, Layers: 1, MaxSequenceLength: 4));
        var tokens = torch.tensor([1L, 2, 3, 4], [1, 4]);
        var before = model.forward(tokens).data<float>();

        LoraInjection.Apply(model, new LoraOptions { Rank = 2, TargetModules = "v_proj" });
        model.forward(tokens).data<float>().ShouldBe(before, tolerance: 1e-6);
        foreach (var (_, module) in model.named_modules())
            if (module is LoRALinear adapter)
                adapter.lora_B.fill_(0.5);

        model.forward(tokens).data<float>().ShouldNotBe(before);
    }
}
