using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Ml.Models;

/// <summary>The fields of a Hugging Face BERT <c>config.json</c> (bge, MiniLM, e5 share this shape).</summary>
public sealed record BertConfig
{
    public int VocabularySize { get; init; }
    public int HiddenSize { get; init; } = 384;
    public int NumHiddenLayers { get; init; } = 6;
    public int NumAttentionHeads { get; init; } = 12;
    public int IntermediateSize { get; init; } = 1536;
    public int MaxPositionEmbeddings { get; init; } = 512;
    public int TypeVocabularySize { get; init; } = 2;
    public double LayerNormEps { get; init; } = 1e-12;
    public string HiddenAct { get; init; } = "gelu";
    public int PadTokenId { get; init; }

    public static BertConfig FromJson(string json)
    {
        var root = JsonNode.Parse(json)?.AsObject() ?? throw new InvalidDataException("config.json is not an object");
        return new BertConfig
        {
            VocabularySize = CausalLmConfig.Int(root, "vocab_size") ?? throw new InvalidDataException("config.json: vocab_size is missing"),
            HiddenSize = CausalLmConfig.Int(root, "hidden_size") ?? 768,
            NumHiddenLayers = CausalLmConfig.Int(root, "num_hidden_layers") ?? 12,
            NumAttentionHeads = CausalLmConfig.Int(root, "num_attention_heads") ?? 12,
            IntermediateSize = CausalLmConfig.Int(root, "intermediate_size") ?? 3072,
            MaxPositionEmbeddings = CausalLmConfig.Int(root, "max_position_embeddings") ?? 512,
            TypeVocabularySize = CausalLmConfig.Int(root, "type_vocab_size") ?? 2,
            LayerNormEps = CausalLmConfig.Double(root, "layer_norm_eps") ?? 1e-12,
            HiddenAct = root["hidden_act"]?.GetValue<string>() ?? "gelu",
            PadTokenId = CausalLmConfig.Int(root, "pad_token_id") ?? 0,
        };
    }

    public string ToJson() => new JsonObject
    {
        ["architectures"] = new JsonArray("BertModel"),
        ["model_type"] = "bert",
        ["vocab_size"] = VocabularySize,
        ["hidden_size"] = HiddenSize,
        ["num_hidden_layers"] = NumHiddenLayers,
        ["num_attention_heads"] = NumAttentionHeads,
        ["intermediate_size"] = IntermediateSize,
        ["max_position_embeddings"] = MaxPositionEmbeddings,
        ["type_vocab_size"] = TypeVocabularySize,
        ["layer_norm_eps"] = LayerNormEps,
        ["hidden_act"] = HiddenAct,
        ["pad_token_id"] = PadTokenId,
        ["position_embedding_type"] = "absolute",
        ["torch_dtype"] = "float32",
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
}
