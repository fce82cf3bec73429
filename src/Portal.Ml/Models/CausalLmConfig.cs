using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Ml.Models;

/// <summary>
/// RoPE frequency scaling from <c>rope_scaling</c>. Supported types: <c>linear</c> (positions divided by
/// <see cref="Factor"/>) and <c>llama3</c> (per-frequency smoothing between low/high frequency factors).
/// <c>default</c> or absent means none; other types are rejected when the model is built.
/// </summary>
public sealed record RopeScaling(string Type, double Factor = 1.0, double LowFrequencyFactor = 1.0, double HighFrequencyFactor = 4.0,
    int OriginalMaxPositionEmbeddings = 8192);

/// <summary>The fields of a Hugging Face Qwen2/Llama <c>config.json</c> that shape the network.</summary>
public sealed record CausalLmConfig
{
    public string ModelType { get; init; } = "llama";
    public int VocabularySize { get; init; }
    public int HiddenSize { get; init; }
    public int IntermediateSize { get; init; }
    public int NumHiddenLayers { get; init; }
    public int NumAttentionHeads { get; init; }
    public int NumKeyValueHeads { get; init; }
    public int? ExplicitHeadDim { get; init; }
    public double RmsNormEps { get; init; } = 1e-6;
    public double RopeTheta { get; init; } = 10000.0;
    public RopeScaling? RopeScaling { get; init; }
    public int MaxPositionEmbeddings { get; init; } = 2048;
    public bool TieWordEmbeddings { get; init; }

    /// <summary>q/k/v (and o, for Llama) biases. Qwen2 always has q/k/v biases and no o bias.</summary>
    public bool AttentionBias { get; init; }
    public int? BosTokenId { get; init; }
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];
    public int? PadTokenId { get; init; }

    public int HeadDim => ExplicitHeadDim ?? HiddenSize / NumAttentionHeads;
    public bool IsQwen2 => ModelType == "qwen2";
    public bool HasQkvBias => IsQwen2 || AttentionBias;
    public bool HasOutputBias => !IsQwen2 && AttentionBias;

    public static CausalLmConfig FromJson(string json)
    {
        var root = JsonNode.Parse(json)?.AsObject() ?? throw new InvalidDataException("config.json is not an object");
        var heads = Int(root, "num_attention_heads") ?? throw new InvalidDataException("config.json: num_attention_heads is missing");
        RopeScaling? scaling = null;
        if (root["rope_scaling"] is JsonObject rope)
        {
            var type = (rope["rope_type"] ?? rope["type"])?.GetValue<string>() ?? "default";
            if (type != "default")
                scaling = new RopeScaling(type, Double(rope, "factor") ?? 1.0, Double(rope, "low_freq_factor") ?? 1.0,
                    Double(rope, "high_freq_factor") ?? 4.0, Int(rope, "original_max_position_embeddings") ?? 8192);
        }

        return new CausalLmConfig
        {
            ModelType = root["model_type"]?.GetValue<string>() ?? "llama",
            VocabularySize = Int(root, "vocab_size") ?? throw new InvalidDataException("config.json: vocab_size is missing"),
            HiddenSize = Int(root, "hidden_size") ?? throw new InvalidDataException("config.json: hidden_size is missing"),
            IntermediateSize = Int(root, "intermediate_size") ?? throw new InvalidDataException("config.json: intermediate_size is missing"),
            NumHiddenLayers = Int(root, "num_hidden_layers") ?? throw new InvalidDataException("config.json: num_hidden_layers is missing"),
            NumAttentionHeads = heads,
            NumKeyValueHeads = Int(root, "num_key_value_heads") ?? heads,
            ExplicitHeadDim = Int(root, "head_dim"),
            RmsNormEps = Double(root, "rms_norm_eps") ?? 1e-6,
            RopeTheta = Double(root, "rope_theta") ?? 10000.0,
            RopeScaling = scaling,
            MaxPositionEmbeddings = Int(root, "max_position_embeddings") ?? 2048,
            TieWordEmbeddings = root["tie_word_embeddings"]?.GetValue<bool>() ?? false,
            AttentionBias = root["attention_bias"]?.GetValue<bool>() ?? false,
            BosTokenId = Int(root, "bos_token_id"),
            EosTokenIds = TokenIds(root["eos_token_id"]),
            PadTokenId = Int(root, "pad_token_id"),
        };
    }

    public string ToJson()
    {
        var root = new JsonObject
        {
            ["architectures"] = new JsonArray(IsQwen2 ? "Qwen2ForCausalLM" : "LlamaForCausalLM"),
            ["model_type"] = ModelType,
            ["vocab_size"] = VocabularySize,
            ["hidden_size"] = HiddenSize,
            ["intermediate_size"] = IntermediateSize,
            ["num_hidden_layers"] = NumHiddenLayers,
            ["num_attention_heads"] = NumAttentionHeads,
            ["num_key_value_heads"] = NumKeyValueHeads,
            ["hidden_act"] = "silu",
            ["rms_norm_eps"] = RmsNormEps,
            ["rope_theta"] = RopeTheta,
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["tie_word_embeddings"] = TieWordEmbeddings,
            ["attention_bias"] = AttentionBias,
            ["torch_dtype"] = "float32",
        };
        if (ExplicitHeadDim is { } headDim)
            root["head_dim"] = headDim;
        if (RopeScaling is { } rope)
            root["rope_scaling"] = new JsonObject
            {
                ["rope_type"] = rope.Type, ["factor"] = rope.Factor, ["low_freq_factor"] = rope.LowFrequencyFactor,
                ["high_freq_factor"] = rope.HighFrequencyFactor, ["original_max_position_embeddings"] = rope.OriginalMaxPositionEmbeddings,
            };
        if (BosTokenId is { } bos)
            root["bos_token_id"] = bos;
        if (EosTokenIds.Count == 1)
            root["eos_token_id"] = EosTokenIds[0];
        else if (EosTokenIds.Count > 1)
            root["eos_token_id"] = new JsonArray(EosTokenIds.Select(id => (JsonNode)id).ToArray());
        if (PadTokenId is { } pad)
            root["pad_token_id"] = pad;
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    internal static int? Int(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<double>(out var d) ? (int)d : null;

    internal static double? Double(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    internal static IReadOnlyList<int> TokenIds(JsonNode? node) => node switch
    {
        JsonArray array => array.Select(n => n!.GetValue<int>()).ToList(),
        JsonValue value when value.TryGetValue<double>(out var id) => [(int)id],
        _ => [],
    };
}
