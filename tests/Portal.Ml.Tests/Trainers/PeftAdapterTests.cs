using Portal.Ml.Adapters;
using Portal.Ml.Models;
using Portal.Ml.Modules;
using Portal.Ml.Serialization;
using Portal.Ml.Training.Lora;

namespace Portal.Ml.Tests.Trainers;

public sealed class PeftAdapterTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("portal-peft-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static void RandomiseAdapters(Module model, long seed)
    {
        torch.manual_seed(seed);
        using var noGrad = torch.no_grad();
        foreach (var (_, parameter) in LoraSftTrainer.AdapterParameters(model))
            parameter.normal_(0, 0.2);
    }

    private static float[] Logits(DecoderLanguageModel model)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        model.eval();
        return model.forward(torch.tensor(new long[] { 1, 5, 9, 42, 7 }, [1, 5])).data<float>();
    }

    [Fact]
    public void A_saved_adapter_loads_onto_a_fresh_base_with_identical_outputs()
    {
        var baseDirectory = TinyChat.SaveRandomBase(folder);
        using var trained = DecoderModelDirectory.Load(baseDirectory);
        LoraInjection.Apply(trained, new LoraOptions { Rank = 4, Alpha = 8, TargetModules = LoraOptions.AllLinear });
        RandomiseAdapters(trained, 3);
        var adapterDirectory = Path.Combine(folder, "adapter");
        PeftAdapterFormat.Save(adapterDirectory, trained, "tiny-chat");

        using var fresh = DecoderModelDirectory.Load(baseDirectory);
        using (var weights = PeftAdapterFormat.Load(adapterDirectory))
            PeftAdapterFormat.ApplyTo(fresh, weights);

        Logits(fresh).ShouldBe(Logits(trained));
    }

    [Fact]
    public void The_adapter_files_use_peft_tensor_names_and_config_keys()
    {
        var baseDirectory = TinyChat.SaveRandomBase(folder);
        using var model = DecoderModelDirectory.Load(baseDirectory);
        LoraInjection.Apply(model, new LoraOptions { Rank = 4, Alpha = 8, TargetModules = "q_proj|v_proj" });
        var adapterDirectory = Path.Combine(folder, "adapter");
        PeftAdapterFormat.Save(adapterDirectory, model, "Qwen/Qwen2.5-0.5B");

        using var reader = new SafeTensorsReader(Path.Combine(adapterDirectory, PeftAdapterFormat.WeightsFile));
        reader.Names.ShouldContain("base_model.model.blocks.0.attn.q_proj.lora_A.weight");
        reader.Names.ShouldContain("base_model.model.blocks.1.attn.v_proj.lora_B.weight");
        reader.Names.Count.ShouldBe(2 * 2 * 2);
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(adapterDirectory, PeftAdapterFormat.ConfigFile)))!;
        config["peft_type"]!.GetValue<string>().ShouldBe("LORA");
        config["task_type"]!.GetValue<string>().ShouldBe("CAUSAL_LM");
        config["r"]!.GetValue<int>().ShouldBe(4);
        config["lora_alpha"]!.GetValue<double>().ShouldBe(8);
        config["bias"]!.GetValue<string>().ShouldBe("none");
        config["fan_in_fan_out"]!.GetValue<bool>().ShouldBeFalse();
        config["base_model_name_or_path"]!.GetValue<string>().ShouldBe("Qwen/Qwen2.5-0.5B");
        config["target_modules"]!.AsArray().Select(t => t!.GetValue<string>()).ShouldBe(["q_proj", "v_proj"]);
    }

    [Fact]
    public void Hand_written_peft_tensors_with_an_adapter_name_load_onto_the_named_modules()
    {
        var baseDirectory = TinyChat.SaveRandomBase(folder);
        using var model = DecoderModelDirectory.Load(baseDirectory);
        var adapterDirectory = Path.Combine(folder, "theirs");
        using (var scope = torch.NewDisposeScope())
        {
            var a = torch.full([2, 64], 0.01);
            var b = torch.full([64, 2], 0.5);
            PeftAdapterFormat.Write(adapterDirectory, new Dictionary<string, Tensor>
            {
                ["base_model.model.blocks.1.attn.o_proj.lora_A.default.weight"] = a,
                ["base_model.model.blocks.1.attn.o_proj.lora_B.default.weight"] = b,
            }, new AdapterConfig(2, 4, 0, ["o_proj"], "elsewhere"));
        }

        using (var weights = PeftAdapterFormat.Load(adapterDirectory))
            PeftAdapterFormat.ApplyTo(model, weights);

        var injected = model.named_modules().Where(m => m.module is LoRALinear).ToList();
        injected.Select(m => m.name).ShouldBe(["blocks.1.attn.o_proj"]);
        var layer = (LoRALinear)injected[0].module;
        layer.scaling.ShouldBe(2);
        layer.lora_A.data<float>().ShouldAllBe(v => Math.Abs(v - 0.01f) < 1e-7);
        layer.lora_B.data<float>().ShouldAllBe(v => Math.Abs(v - 0.5f) < 1e-7);
    }
}
