using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portal.Ml.Models;
using Portal.Ml.Modules;
using Portal.Ml.Serialization;

namespace Portal.Ml.Adapters;

/// <summary>
/// LoRA adapters in Hugging Face PEFT's on-disk format, so PEFT and vLLM load ours and we load theirs:
/// <c>adapter_model.safetensors</c> with <c>base_model.model.{module}.lora_A.weight</c> [r, in] and
/// <c>….lora_B.weight</c> [out, r], and <c>adapter_config.json</c>. Module names are the model's own
/// (Hugging Face names for HF models: <c>model.layers.0.self_attn.q_proj</c>). The trainer writes adapters with
/// <see cref="Save"/>; <c>generate --adapter</c> loads them with <see cref="Apply"/>, and the multi-tenant server
/// reads them unmerged with <see cref="Load"/>.
/// </summary>
public static partial class PeftAdapterFormat
{
    public const string WeightsFile = "adapter_model.safetensors";
    public const string ConfigFile = "adapter_config.json";
    private const string Prefix = "base_model.model.";

    /// <summary>Writes every <see cref="LoRALinear"/> under <paramref name="root"/> (f32) and the config.</summary>
    public static void Save(string directory, Module root, string baseModelNameOrPath)
    {
        var layers = root.named_modules().Where(m => m.module is LoRALinear).Select(m => (m.name, layer: (LoRALinear)m.module)).ToList();
        if (layers.Count == 0)
            throw new InvalidOperationException("the model has no LoRA layers to save");
        var first = layers[0].layer;
        if (layers.Any(l => l.layer.rank != first.rank || l.layer.alpha != first.alpha))
            throw new NotSupportedException("per-layer ranks (PEFT rank_pattern) are not written; all layers must share rank and alpha");

        using var scope = torch.NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, layer) in layers)
        {
            tensors[$"{Prefix}{name}.lora_A.weight"] = layer.lora_A.detach().to(ScalarType.Float32).cpu();
            tensors[$"{Prefix}{name}.lora_B.weight"] = layer.lora_B.detach().to(ScalarType.Float32).cpu();
        }
        var dropout = layers[0].layer.named_modules().Select(m => m.module).OfType<Dropout>().FirstOrDefault()?.p ?? 0;
        var config = new AdapterConfig(first.rank, first.alpha, dropout,
            layers.Select(l => LastSegment(l.name)).Distinct().Order(StringComparer.Ordinal).ToList(), baseModelNameOrPath);
        Write(directory, tensors, config);
    }

    /// <summary>Writes already-extracted weights (module name → A/B) and their config.</summary>
    public static void Write(string directory, IReadOnlyDictionary<string, Tensor> peftNamedTensors, AdapterConfig config)
    {
        Directory.CreateDirectory(directory);
        SafeTensors.Save(Path.Combine(directory, WeightsFile), peftNamedTensors, new Dictionary<string, string> { ["format"] = "pt" });
        File.WriteAllText(Path.Combine(directory, ConfigFile), config.ToJson());
    }

    /// <summary>
    /// Reads a PEFT LoRA adapter: names may carry an adapter name (<c>lora_A.default.weight</c>) and
    /// the <c>base_model.model.</c> prefix may be missing. Returns module name → (A, B) plus the config.
    /// </summary>
    public static AdapterWeights Load(string directory)
    {
        var config = AdapterConfig.Read(Path.Combine(directory, ConfigFile));
        var tensors = SafeTensors.Load(Path.Combine(directory, WeightsFile));
        var a = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var b = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors)
        {
            var match = LoraName().Match(name);
            if (!match.Success)
            {
                tensor.Dispose();
                throw new NotSupportedException($"{name}: only LoRA A/B matrices are supported (no modules_to_save, biases or DoRA magnitudes)");
            }
            var module = match.Groups["module"].Value;
            if (module.StartsWith(Prefix, StringComparison.Ordinal))
                module = module[Prefix.Length..];
            var f32 = tensor.dtype == ScalarType.Float32 ? tensor : tensor.to(ScalarType.Float32);
            if (!ReferenceEquals(f32, tensor))
                tensor.Dispose();
            (match.Groups["which"].Value == "A" ? a : b)[module] = f32.DetachFromDisposeScope();
        }

        var layers = new Dictionary<string, LoraLayerWeights>(StringComparer.Ordinal);
        foreach (var (module, down) in a)
        {
            if (!b.Remove(module, out var up))
                throw new InvalidDataException($"{module}: lora_A without lora_B");
            layers[module] = new LoraLayerWeights(down, up);
        }
        if (b.Count > 0)
            throw new InvalidDataException($"{b.Keys.First()}: lora_B without lora_A");
        return new AdapterWeights(config, layers);
    }

    /// <summary>Loads the adapter in <paramref name="directory"/> into <paramref name="model"/> (see <see cref="ApplyTo"/>); returns the wrapped module names.</summary>
    public static IReadOnlyList<string> Apply(ICausalLanguageModel model, string directory)
    {
        using var weights = Load(directory);
        return ApplyTo(model.Root, weights);
    }

    /// <summary>
    /// Puts loaded weights into <paramref name="root"/>: each named Linear becomes a <see cref="LoRALinear"/>
    /// (or an existing one is overwritten). Every adapter module must exist in the model. Returns the module names.
    /// </summary>
    public static IReadOnlyList<string> ApplyTo(Module root, AdapterWeights weights)
    {
        var modules = root.named_modules().ToDictionary(m => m.name, m => m.module, StringComparer.Ordinal);
        foreach (var (name, layer) in weights.Layers)
        {
            if (!modules.TryGetValue(name, out var module))
                throw new InvalidOperationException($"the adapter targets '{name}', which the model does not have");
            if (module is Linear linear)
            {
                var dot = name.LastIndexOf('.');
                var parent = dot < 0 ? root : modules[name[..dot]];
                var replacement = new LoRALinear(linear, weights.Config.Rank, weights.Config.Alpha, weights.Config.Dropout);
                parent.replace_module(name[(dot + 1)..], replacement);
                module = replacement;
            }
            if (module is not LoRALinear lora)
                throw new InvalidOperationException($"'{name}' is a {module.GetType().Name}, not a Linear layer");
            using var noGrad = torch.no_grad();
            lora.lora_A.copy_(layer.A);
            lora.lora_B.copy_(layer.B);
        }
        return weights.Layers.Keys.Order(StringComparer.Ordinal).ToList();
    }

    internal static string LastSegment(string name) => name[(name.LastIndexOf('.') + 1)..];

    [GeneratedRegex(@"^(?<module>.+)\.lora_(?<which>[AB])(?:\.[A-Za-z0-9_\-]+)?\.weight$")]
    private static partial Regex LoraName();
}

/// <summary>One layer's low-rank pair: A [r, in], B [out, r] (f32).</summary>
public sealed record LoraLayerWeights(Tensor A, Tensor B) : IDisposable
{
    public long ByteCount => A.ByteCount + B.ByteCount;

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }
}

/// <summary>A loaded adapter: its config and, per module name, the A/B pair.</summary>
public sealed record AdapterWeights(AdapterConfig Config, IReadOnlyDictionary<string, LoraLayerWeights> Layers) : IDisposable
{
    public long ByteCount => Layers.Values.Sum(l => l.ByteCount);

    public void Dispose()
    {
        foreach (var layer in Layers.Values)
            layer.Dispose();
    }
}

/// <summary>The fields of PEFT's <c>adapter_config.json</c> that a LoRA needs; unknown fields are ignored on read.</summary>
public sealed record AdapterConfig(int Rank, double Alpha, double Dropout, IReadOnlyList<string> TargetModules, string BaseModelNameOrPath)
{
    public double Scaling => Alpha / Rank;

    public string ToJson()
    {
        var json = new JsonObject
        {
            ["peft_type"] = "LORA",
            ["task_type"] = "CAUSAL_LM",
            ["base_model_name_or_path"] = BaseModelNameOrPath,
            ["r"] = Rank,
            ["lora_alpha"] = Alpha,
            ["lora_dropout"] = Dropout,
            ["target_modules"] = new JsonArray(TargetModules.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
            ["bias"] = "none",
            ["fan_in_fan_out"] = false,
            ["inference_mode"] = true,
            ["init_lora_weights"] = true,
            ["modules_to_save"] = null,
            ["use_rslora"] = false,
            ["use_dora"] = false,
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    public static AdapterConfig Read(string path)
    {
        var root = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidDataException($"{path} is not a JSON object");
        if (root["peft_type"]?.GetValue<string>() is { } type && type != "LORA")
            throw new NotSupportedException($"{path}: peft_type {type} is not LoRA");
        if (root["fan_in_fan_out"]?.GetValue<bool>() == true)
            throw new NotSupportedException($"{path}: fan_in_fan_out adapters (GPT-2 Conv1D) are not supported");
        if (root["use_rslora"]?.GetValue<bool>() == true || root["use_dora"]?.GetValue<bool>() == true)
            throw new NotSupportedException($"{path}: rsLoRA and DoRA adapters are not supported");
        var rank = root["r"]?.GetValue<int>() ?? 8;
        var targets = root["target_modules"] switch
        {
            JsonArray array => array.Select(t => t!.GetValue<string>()).ToList(),
            JsonValue value => [value.GetValue<string>()],
            _ => [],
        };
        return new AdapterConfig(rank, Number(root["lora_alpha"]) ?? 8, Number(root["lora_dropout"]) ?? 0, targets,
            root["base_model_name_or_path"]?.GetValue<string>() ?? "");
    }

    private static double? Number(JsonNode? node) =>
        node is null ? null : double.Parse(node.ToJsonString(), CultureInfo.InvariantCulture);
}
