using System.Text.Json.Nodes;
using Portal.Ml.Modules;
using Portal.Ml.Serialization;
using Portal.Ml.Tokenizers;

namespace Portal.Ml.Models.HuggingFace;

public sealed partial class HuggingFaceModelDirectory
{
    /// <summary>Loads config, weights (as float32) and tokenizer. Throws when a weight the network needs is missing.</summary>
    public static HuggingFaceModelDirectory Load(string path)
    {
        var configPath = System.IO.Path.Combine(path, "config.json");
        if (!File.Exists(configPath))
            throw new FileNotFoundException($"{path} is not a Hugging Face model directory: config.json is missing", configPath);
        var configJson = File.ReadAllText(configPath);
        var modelType = (string?)JsonNode.Parse(configJson)?["model_type"] ?? "llama";
        var tokenizerConfig = ReadJson(System.IO.Path.Combine(path, "tokenizer_config.json"));
        var tokenizer = LoadTokenizer(path, tokenizerConfig);

        if (modelType == "bert")
        {
            var encoder = new BertModel(BertConfig.FromJson(configJson));
            LoadWeights(encoder, path, key => key.StartsWith("bert.", StringComparison.Ordinal) ? key[5..] : key);
            encoder.eval();
            return new HuggingFaceModelDirectory(path, modelType, tokenizer) { Encoder = encoder };
        }
        if (modelType is not ("llama" or "qwen2" or "mistral"))
            throw new NotSupportedException($"{path}: model_type '{modelType}' is not supported (qwen2, llama, bert are)");

        var config = CausalLmConfig.FromJson(configJson);
        var model = new LlamaForCausalLM(config);
        var own = model.state_dict();
        LoadWeights(model, path, key => own.ContainsKey(key) ? key : own.ContainsKey("model." + key) ? "model." + key : key);
        model.eval();

        var template = ChatTemplate.Detect((string?)tokenizerConfig?["chat_template"]);
        var eos = new List<int>();
        eos.AddRange(CausalLmConfig.TokenIds(ReadJson(System.IO.Path.Combine(path, "generation_config.json"))?["eos_token_id"]));
        eos.AddRange(config.EosTokenIds);
        if (tokenizer.EosTokenId is { } tokenizerEos)
            eos.Add(tokenizerEos);
        if (template is not null && tokenizer is BpeTokenizer bpe && bpe.TokenToId(template.EndOfTurnToken) is { } endOfTurn)
            eos.Add(endOfTurn);
        return new HuggingFaceModelDirectory(path, modelType, tokenizer) { CausalLanguageModel = model, ChatTemplate = template, EosTokenIds = eos.Distinct().ToList() };
    }

    /// <summary>
    /// Copies every tensor of model.safetensors (or the shards of model.safetensors.index.json) into the module's parameter
    /// of the mapped name; tensors the module has no parameter for (poolers, heads, buffers) are skipped.
    /// </summary>
    public static void LoadWeights(Module module, string directory, Func<string, string> mapName)
    {
        var own = module.state_dict();
        var loaded = new HashSet<string>(StringComparer.Ordinal);
        using (torch.no_grad())
            foreach (var file in WeightFiles(directory))
            {
                using var reader = new SafeTensorsReader(file);
                foreach (var key in reader.Names)
                {
                    if (!own.TryGetValue(mapName(key), out var target))
                        continue;
                    using var source = reader.Load(key);
                    if (!source.shape.SequenceEqual(target.shape))
                        throw new InvalidDataException($"{key}: shape [{string.Join(", ", source.shape)}] does not fit [{string.Join(", ", target.shape)}]");
                    target.copy_(source);
                    loaded.Add(mapName(key));
                }
            }
        var missing = own.Keys.Where(k => !loaded.Contains(k)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"{directory}: the checkpoint lacks {missing.Count} weights: {string.Join(", ", missing.Take(8))}");
    }

    public static IReadOnlyList<string> WeightFiles(string directory)
    {
        var index = System.IO.Path.Combine(directory, "model.safetensors.index.json");
        if (File.Exists(index))
            return ReadJson(index)!["weight_map"]!.AsObject().Select(p => (string)p.Value!).Distinct().Select(f => System.IO.Path.Combine(directory, f)).ToList();
        var single = System.IO.Path.Combine(directory, "model.safetensors");
        return File.Exists(single) ? [single] : throw new FileNotFoundException($"{directory} has neither model.safetensors nor model.safetensors.index.json");
    }

    public static ITokenizer LoadTokenizer(string directory, JsonObject? tokenizerConfig = null)
    {
        var configPath = System.IO.Path.Combine(directory, "tokenizer_config.json");
        tokenizerConfig ??= ReadJson(configPath);
        var tokenizerJson = System.IO.Path.Combine(directory, "tokenizer.json");
        var vocabTxt = System.IO.Path.Combine(directory, "vocab.txt");
        // BERT directories often carry both; vocab.txt is the WordPiece source of truth there.
        if (File.Exists(vocabTxt) && (!File.Exists(tokenizerJson) || (string?)tokenizerConfig?["tokenizer_class"] is { } cls && cls.StartsWith("Bert", StringComparison.Ordinal)))
        {
            var lower = tokenizerConfig?["do_lower_case"]?.GetValue<bool>() ?? true;
            return WordPieceTokenizer.FromFile(vocabTxt, new WordPieceOptions
            {
                LowerCase = lower,
                StripAccents = tokenizerConfig?["strip_accents"] is JsonValue strip && strip.TryGetValue<bool>(out var s) ? s : null,
                TokenizeChineseChars = tokenizerConfig?["tokenize_chinese_chars"]?.GetValue<bool>() ?? true,
            });
        }
        if (File.Exists(tokenizerJson))
            return TokenizerJson.Load(tokenizerJson, configPath);
        throw new FileNotFoundException($"{directory} has neither tokenizer.json nor vocab.txt");
    }

    internal static JsonObject? ReadJson(string path) => File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))?.AsObject() : null;
}
