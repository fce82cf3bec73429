using Portal.Ml.Models;
using Portal.Ml.Models.HuggingFace;
using Portal.Ml.Serialization;

namespace Portal.Ml.Tests.Models;

public sealed class DecoderModelTests
{
    private static long[] Ids(params long[] ids) => ids;

    [Fact]
    public void Qwen2_loads_with_tied_embeddings_and_qkv_biases()
    {
        using var directory = HuggingFaceModelDirectory.Load(TinyModels.Directory(TinyModelFamily.Qwen2));
        var names = directory.RequireCausalLanguageModel().Root.state_dict().Keys.ToList();

        names.ShouldContain("model.layers.0.self_attn.q_proj.bias");
        names.ShouldContain("model.layers.1.mlp.gate_proj.weight");
        names.ShouldNotContain("model.layers.0.self_attn.o_proj.bias");
        names.ShouldNotContain("lm_head.weight");
        directory.ChatTemplate!.Family.ShouldBe(Portal.Ml.Tokenizers.ChatTemplateFamily.ChatMl);
    }

    [Fact]
    public void Llama_loads_untied_with_grouped_query_shapes()
    {
        using var directory = HuggingFaceModelDirectory.Load(TinyModels.Directory(TinyModelFamily.Llama));
        var model = directory.RequireCausalLanguageModel();
        var state = model.Root.state_dict();

        model.Config.NumKeyValueHeads.ShouldBe(2);
        state["model.layers.0.self_attn.q_proj.weight"].shape.ShouldBe([64L, 64L]);
        state["model.layers.0.self_attn.k_proj.weight"].shape.ShouldBe([32L, 64L]);
        state["model.layers.0.self_attn.v_proj.weight"].shape.ShouldBe([32L, 64L]);
        state.ShouldContainKey("lm_head.weight");
        state.ShouldNotContainKey("model.layers.0.self_attn.q_proj.bias");
        model.Config.RopeScaling!.Type.ShouldBe("llama3");
    }

    [Theory]
    [InlineData(TinyModelFamily.Qwen2)]
    [InlineData(TinyModelFamily.Llama)]
    public void Parameter_names_equal_the_safetensors_keys(TinyModelFamily family)
    {
        var path = TinyModels.Directory(family);
        using var directory = HuggingFaceModelDirectory.Load(path);
        using var reader = new SafeTensorsReader(Path.Combine(path, "model.safetensors"));

        directory.RequireCausalLanguageModel().Root.state_dict().Keys.Order().ShouldBe(reader.Names.Order());
    }

    [Fact]
    public void Tying_can_be_switched_off_for_Qwen2()
    {
        using var directory = HuggingFaceModelDirectory.Load(TinyModels.Directory(TinyModelFamily.Qwen2, tied: false));
        directory.RequireCausalLanguageModel().Root.state_dict().ShouldContainKey("lm_head.weight");
    }

    [Theory]
    [InlineData(TinyModelFamily.Qwen2)]
    [InlineData(TinyModelFamily.Llama)]
    public void Kv_cache_logits_equal_a_full_recompute(TinyModelFamily family)
    {
        using var directory = HuggingFaceModelDirectory.Load(TinyModels.Directory(family));
        var model = directory.RequireCausalLanguageModel();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var tokens = Ids(5, 17, 42, 99, 3, 250, 7, 8, 120, 64);
        var full = model.Forward(torch.tensor(tokens, [1, tokens.Length]));

        using var cache = model.NewCache();
        var prompt = model.Forward(torch.tensor(tokens[..4], [1, 4]), cache);
        var worst = (prompt - full.narrow(1, 0, 4)).abs().max().ToDouble();
        for (var t = 4; t < tokens.Length; t++)
        {
            var step = model.Forward(torch.tensor(tokens[t..(t + 1)], [1, 1]), cache);
            worst = Math.Max(worst, (step - full.narrow(1, t, 1)).abs().max().ToDouble());
        }

        cache.Length.ShouldBe(tokens.Length);
        worst.ShouldBeLessThan(1e-5);
    }

    [Fact]
    public void Left_padding_under_the_mask_does_not_change_the_logits()
    {
        using var directory = HuggingFaceModelDirectory.Load(TinyModels.Directory(TinyModelFamily.Qwen2));
        var model = directory.RequireCausalLanguageModel();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();

        var alone = model.Forward(torch.tensor(Ids(11, 22, 33), [1, 3]));
        var batch = model.Forward(torch.tensor(Ids(0, 0, 11, 22, 33, 44, 55, 66, 77, 88), [2, 5]), attentionMask: torch.tensor(Ids(0, 0, 1, 1, 1, 1, 1, 1, 1, 1), [2, 5]));

        // RoPE only sees relative positions, so shifting the real tokens right by the padding leaves them unchanged.
        (batch.narrow(0, 0, 1).narrow(1, 2, 3) - alone).abs().max().ToDouble().ShouldBeLessThan(1e-4);
    }
}
