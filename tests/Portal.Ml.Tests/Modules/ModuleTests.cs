using Portal.Ml.Models;
using Portal.Ml.Modules;

namespace Portal.Ml.Tests.Modules;

public sealed class ModuleTests
{
    private static readonly DecoderConfig Config = new(VocabularySize: 16, ModelDimension: 8, Heads: 2, Layers: 1, MaxSequenceLength: 4, UseRmsNorm: true);

    [Fact]
    public void Named_parameters_use_dotted_paths()
    {
        using var model = new DecoderLanguageModel(Config);

        model.named_parameters().Select(p => p.name).ShouldBe([
            "tok_emb.weight", "pos_emb.weight",
            "blocks.0.attention_norm.weight",
            "blocks.0.attn.q_proj.weight", "blocks.0.attn.q_proj.bias", "blocks.0.attn.k_proj.weight", "blocks.0.attn.k_proj.bias",
            "blocks.0.attn.v_proj.weight", "blocks.0.attn.v_proj.bias", "blocks.0.attn.o_proj.weight", "blocks.0.attn.o_proj.bias",
            "blocks.0.mlp_norm.weight",
            "blocks.0.mlp.up_proj.weight", "blocks.0.mlp.up_proj.bias", "blocks.0.mlp.down_proj.weight", "blocks.0.mlp.down_proj.bias",
            "ln_f.weight", "lm_head.weight"]);
    }

    [Fact]
    public void Load_state_dict_copies_values_into_another_model()
    {
        using var scope = torch.NewDisposeScope();
        EngineTestSetup.Deterministic(1);
        using var source = new DecoderLanguageModel(Config);
        using var target = new DecoderLanguageModel(Config);
        var tokens = torch.tensor([1L, 2, 3, 4], [1, 4]);

        target.load_state_dict(source.state_dict());

        target.forward(tokens).data<float>().ShouldBe(source.forward(tokens).data<float>());
    }

    [Fact]
    public void A_strict_load_rejects_missing_names()
    {
        using var model = new DecoderLanguageModel(Config);
        var partial = model.state_dict();
        partial.Remove("lm_head.weight");

        Should.Throw<InvalidOperationException>(() => model.load_state_dict(partial)).Message.ShouldContain("lm_head.weight");
    }

    [Fact]
    public void Eval_switches_every_submodule_out_of_training()
    {
        using var model = new DecoderLanguageModel(Config);

        model.eval();

        model.named_modules().ShouldAllBe(m => !m.module.training);
    }

    [Fact]
    public void Moving_a_module_to_another_dtype_keeps_its_parameter_tensors()
    {
        using var layer = new Linear(3, 2);
        var weight = layer.weight;

        layer.to(ScalarType.Float64);

        layer.weight.ShouldBeSameAs(weight);
        weight.dtype.ShouldBe(ScalarType.Float64);
        weight.requires_grad.ShouldBeTrue();
    }
}
