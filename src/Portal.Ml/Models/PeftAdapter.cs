using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Ml.Modules;
using Portal.Ml.Serialization;

namespace Portal.Ml.Models;

/// <summary>
/// PEFT LoRA adapters on disk: <c>adapter_config.json</c> (r, lora_alpha, target_modules) and
/// <c>adapter_model.safetensors</c> with keys <c>base_model.model.{module}.lora_A.weight</c> / <c>lora_B.weight</c>.
/// </summary>
public static class PeftAdapter
{
    public const string KeyPrefix = "base_model.model.";
    public const string ConfigFile = "adapter_config.json";
    public const string WeightsFile = "adapter_model.safetensors";

    /// <summary>Wraps the adapter's target modules of <paramref name="model"/> in LoRALinear and loads A and B; returns the wrapped module names.</summary>
    public static IReadOnlyList<string> Apply(ICausalLanguageModel model, string adapterDirectory)
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(adapterDirectory, ConfigFile)))?.AsObject()
                     ?? throw new InvalidDataException($"{adapterDirectory}/{ConfigFile} is not a JSON object");
        var rank = config["r"]?.GetValue<int>() ?? 8;
        var targets = config["target_modules"] switch
        {
            JsonArray list => string.Join('|', list.Select(n => (string)n!)),
            JsonValue value => value.GetValue<string>(),
            _ => "q_proj|v_proj",
        };
        var wrapped = LoraInjection.Apply(model.Root, new LoraOptions { Rank = rank, Alpha = config["lora_alpha"]?.GetValue<double>() ?? rank, TargetModules = targets });

        var own = model.Root.state_dict();
        using var reader = new SafeTensorsReader(Path.Combine(adapterDirectory, WeightsFile));
        var loaded = 0;
        using (torch.no_grad())
            foreach (var key in reader.Names)
            {
                // base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight → model.layers.0.self_attn.q_proj.lora_A
                var name = key.StartsWith(KeyPrefix, StringComparison.Ordinal) ? key[KeyPrefix.Length..] : key;
                name = name.Replace(".lora_A.default.", ".lora_A.", StringComparison.Ordinal).Replace(".lora_B.default.", ".lora_B.", StringComparison.Ordinal);
                if (name.EndsWith(".weight", StringComparison.Ordinal) && (name.Contains(".lora_A.", StringComparison.Ordinal) || name.Contains(".lora_B.", StringComparison.Ordinal)))
                    name = name[..^".weight".Length];
                if (!own.TryGetValue(name, out var target))
                    throw new InvalidDataException($"{adapterDirectory}: adapter tensor {key} has no matching module in the model");
                using var source = reader.Load(key);
                target.copy_(source);
                loaded++;
            }
        if (loaded != wrapped.Count * 2)
            throw new InvalidDataException($"{adapterDirectory}: expected A and B for {wrapped.Count} modules, found {loaded} tensors");
        return wrapped;
    }

    /// <summary>Writes the LoRA weights of <paramref name="model"/> (after <see cref="LoraInjection.Apply"/>) in PEFT's layout.</summary>
    public static void Save(ICausalLanguageModel model, string adapterDirectory, LoraOptions options, string? baseModelPath = null)
    {
        Directory.CreateDirectory(adapterDirectory);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var modules = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, parameter) in model.Root.named_parameters())
            if (name.EndsWith(".lora_A", StringComparison.Ordinal) || name.EndsWith(".lora_B", StringComparison.Ordinal))
            {
                tensors[KeyPrefix + name + ".weight"] = parameter;
                modules.Add(name[(name.LastIndexOf('.', name.Length - 8) + 1)..^7]);
            }
        SafeTensors.Save(Path.Combine(adapterDirectory, WeightsFile), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        File.WriteAllText(Path.Combine(adapterDirectory, ConfigFile), new JsonObject
        {
            ["peft_type"] = "LORA", ["task_type"] = "CAUSAL_LM", ["r"] = options.Rank, ["lora_alpha"] = options.Alpha, ["lora_dropout"] = options.Dropout,
            ["target_modules"] = new JsonArray(modules.Order(StringComparer.Ordinal).Select(m => (JsonNode)m).ToArray()),
            ["base_model_name_or_path"] = baseModelPath, ["bias"] = "none", ["fan_in_fan_out"] = false, ["inference_mode"] = true,
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
