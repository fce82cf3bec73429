using System.Text.Json;
using System.Text.Json.Nodes;
using Onnx;
using Portal.Ml.Models;
using Portal.Ml.Serialization;

namespace Portal.Ml.Onnx;

/// <summary>
/// Turns a BERT encoder exported to ONNX by PyTorch into a Hugging Face BERT directory (config.json, model.safetensors,
/// vocab.txt, tokenizer and pooling configs) that the engine loads for training. Embeddings, biases and LayerNorms keep
/// their BERT names in the graph. The exporter stores each Linear weight transposed ([in, out]) under a numeric name; it
/// is identified by the graph: the MatMul that consumes it feeds an Add with a named <c>….bias</c>, so it is that layer's
/// <c>….weight</c>, transposed back.
/// </summary>
public static class OnnxBertConverter
{
    private const int FloatType = 1;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static BertConfig Convert(string onnxPath, string vocabPath, string outputDirectory, bool meanPooling = true)
    {
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnxPath)).Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var weights = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var initializer in graph.Initializer.Where(t => t.DataType == FloatType && !IsNumeric(t.Name)))
                weights[initializer.Name] = ToTensor(initializer);
            foreach (var (weightName, initializer) in LinearWeights(graph, initializers))
            {
                using var stored = ToTensor(initializer);
                using var transposed = stored.t();
                weights[weightName] = transposed.contiguous();
            }

            var config = ConfigOf(graph, initializers, weights);
            Directory.CreateDirectory(outputDirectory);
            SafeTensors.Save(Path.Combine(outputDirectory, "model.safetensors"), weights, new Dictionary<string, string> { ["format"] = "pt" });
            File.WriteAllText(Path.Combine(outputDirectory, "config.json"), config.ToJson());
            File.Copy(vocabPath, Path.Combine(outputDirectory, "vocab.txt"), overwrite: true);
            WriteTokenizerAndPooling(outputDirectory, config.HiddenSize, meanPooling);
            return config;
        }
        finally
        {
            foreach (var tensor in weights.Values)
                tensor.Dispose();
        }
    }

    /// <summary>Each numeric MatMul weight, named after the bias its product is added to.</summary>
    internal static IEnumerable<(string Name, TensorProto Weight)> LinearWeights(GraphProto graph, IReadOnlyDictionary<string, TensorProto> initializers)
    {
        var addsByInput = graph.Node.Where(n => n.OpType == "Add")
            .SelectMany(n => n.Input.Select(input => (input, node: n)))
            .ToLookup(p => p.input, p => p.node, StringComparer.Ordinal);
        foreach (var matmul in graph.Node.Where(n => n.OpType == "MatMul" && n.Input.Count == 2))
        {
            if (!initializers.TryGetValue(matmul.Input[1], out var weight) || !IsNumeric(weight.Name) || weight.Dims.Count != 2)
                continue;
            var bias = addsByInput[matmul.Output[0]]
                .SelectMany(add => add.Input)
                .FirstOrDefault(input => input.EndsWith(".bias", StringComparison.Ordinal) && initializers.ContainsKey(input))
                ?? throw new InvalidDataException($"MatMul {matmul.Name} with weight {weight.Name} feeds no Add of a named bias");
            yield return (bias[..^".bias".Length] + ".weight", weight);
        }
    }

    private static BertConfig ConfigOf(GraphProto graph, IReadOnlyDictionary<string, TensorProto> initializers, Dictionary<string, Tensor> weights)
    {
        var words = weights["embeddings.word_embeddings.weight"].shape;
        var hidden = (int)words[1];
        var layers = weights.Keys.Where(k => k.StartsWith("encoder.layer.", StringComparison.Ordinal))
            .Select(k => int.Parse(k.Split('.')[2], System.Globalization.CultureInfo.InvariantCulture)).Distinct().Count();
        return new BertConfig
        {
            VocabularySize = (int)words[0],
            HiddenSize = hidden,
            NumHiddenLayers = layers,
            NumAttentionHeads = Heads(graph, initializers, hidden),
            IntermediateSize = (int)weights["encoder.layer.0.intermediate.dense.bias"].shape[0],
            MaxPositionEmbeddings = (int)weights["embeddings.position_embeddings.weight"].shape[0],
            TypeVocabularySize = (int)weights["embeddings.token_type_embeddings.weight"].shape[0],
            LayerNormEps = LayerNormEps(graph),
        };
    }

    // The attention heads are reshaped to [batch, length, heads, head size]; the two constants come as initializers.
    private static int Heads(GraphProto graph, IReadOnlyDictionary<string, TensorProto> initializers, int hidden)
    {
        foreach (var concat in graph.Node.Where(n => n.OpType == "Concat"))
        {
            var constants = concat.Input.Where(initializers.ContainsKey).Select(i => initializers[i]).Where(t => t.DataType == 7).ToList();
            if (constants.Count != 2)
                continue;
            var (heads, size) = (Int64Of(constants[0]), Int64Of(constants[1]));
            if (heads * size == hidden)
                return (int)heads;
        }
        throw new InvalidDataException("no attention reshape found to read the number of heads from");
    }

    // The first LayerNorm is decomposed: ReduceMean, Sub, Pow, ReduceMean, Add(eps), Sqrt.
    private static double LayerNormEps(GraphProto graph)
    {
        var constants = graph.Node.Where(n => n.OpType == "Constant").ToDictionary(n => n.Output[0], StringComparer.Ordinal);
        foreach (var sqrt in graph.Node.Where(n => n.OpType == "Sqrt"))
        {
            var add = graph.Node.FirstOrDefault(n => n.OpType == "Add" && n.Output.Contains(sqrt.Input[0]));
            var eps = add?.Input.Select(i => constants.GetValueOrDefault(i)).FirstOrDefault(c => c is not null);
            if (eps?.Attribute.FirstOrDefault(a => a.Name == "value")?.T is { DataType: FloatType } value)
                return Math.Round(BitConverter.ToSingle(value.RawData.Span), 15);
        }
        return 1e-12;
    }

    private static void WriteTokenizerAndPooling(string directory, int hidden, bool meanPooling)
    {
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), new JsonObject
        {
            ["tokenizer_class"] = "BertTokenizer", ["do_lower_case"] = true, ["tokenize_chinese_chars"] = true, ["strip_accents"] = null,
            ["cls_token"] = "[CLS]", ["sep_token"] = "[SEP]", ["pad_token"] = "[PAD]", ["unk_token"] = "[UNK]", ["mask_token"] = "[MASK]",
            ["model_max_length"] = 512,
        }.ToJsonString(Indented));
        Directory.CreateDirectory(Path.Combine(directory, "1_Pooling"));
        File.WriteAllText(Path.Combine(directory, "1_Pooling", "config.json"), new JsonObject
        {
            ["word_embedding_dimension"] = hidden, ["pooling_mode_cls_token"] = !meanPooling, ["pooling_mode_mean_tokens"] = meanPooling,
        }.ToJsonString(Indented));
    }

    private static bool IsNumeric(string name) => name.Length > 0 && name.All(char.IsAsciiDigit);

    private static long Int64Of(TensorProto tensor) =>
        tensor.RawData.Length >= 8 ? BitConverter.ToInt64(tensor.RawData.Span) : tensor.Int64Data[0];

    private static Tensor ToTensor(TensorProto tensor)
    {
        var shape = tensor.Dims.ToArray();
        if (tensor.RawData.Length > 0)
            return torch.from_bytes(tensor.RawData.Span, ScalarType.Float32, shape);
        return torch.tensor(tensor.FloatData.ToArray(), shape);
    }
}
