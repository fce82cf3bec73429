using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Ml.Modules;
using Portal.Ml.Serialization;
using Portal.Ml.Tokenizers;

namespace Portal.Ml.Models.HuggingFace;

public enum TinyModelFamily { Qwen2, Llama, Bert }

public sealed record TinyModelOptions
{
    /// <summary>Total vocabulary, special tokens included.</summary>
    public int VocabularySize { get; init; } = 512;
    public int Seed { get; init; }
    public int HiddenSize { get; init; } = 64;
    public int Layers { get; init; } = 2;
    public int Heads { get; init; } = 4;
    public int KeyValueHeads { get; init; } = 2;
    public int IntermediateSize { get; init; } = 128;

    /// <summary>Null: the family's usual choice (small Qwen2 ties, Llama does not).</summary>
    public bool? TieWordEmbeddings { get; init; }
}

public sealed record TinyModelWritten(string Directory, long Parameters, int VocabularySize);

/// <summary>
/// Writes small random models as Hugging Face directories (config.json, model.safetensors, tokenizer files), as
/// <c>model make-tiny</c>, the tests and the benchmarks use them. Qwen2/Llama get a byte-level BPE tokenizer trained
/// on the given text plus the family's special tokens and chat template; BERT gets a vocab.txt and CLS pooling.
/// </summary>
public static class TinyModelFactory
{
    public const string SampleText =
        "Portal answers questions from a knowledge base. Upload documents, ask a question, and the answer cites its sources.\n"
        + "Each tenant's documents stay private. 知识库问答：上传文档，提出问题，答案会引用来源。 Emoji too: 🙂👍 and numbers 12345.\n";

    private static readonly string[] Qwen2Specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"];
    private static readonly string[] Llama3Specials = ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"];
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static TinyModelWritten Write(TinyModelFamily family, string directory, string trainingText, TinyModelOptions options)
    {
        Directory.CreateDirectory(directory);
        torch.manual_seed(options.Seed);
        return family == TinyModelFamily.Bert ? WriteBert(directory, trainingText, options) : WriteDecoder(family, directory, trainingText, options);
    }

    private static TinyModelWritten WriteDecoder(TinyModelFamily family, string directory, string text, TinyModelOptions options)
    {
        var qwen = family == TinyModelFamily.Qwen2;
        var specials = qwen ? Qwen2Specials : Llama3Specials;
        var pattern = qwen ? BpeTokenizerOptions.Qwen2Pattern : BpeTokenizerOptions.Llama3Pattern;
        var (vocabulary, merges) = BpeTrainer.Train(text, Math.Max(256, options.VocabularySize - specials.Length), pattern);
        var added = specials.Select((s, i) => new AddedToken(vocabulary.Count + i, s, Special: true)).ToList();
        var bos = qwen ? null : "<|begin_of_text|>";
        var eos = qwen ? "<|im_end|>" : "<|eot_id|>";
        var tokenizerOptions = new BpeTokenizerOptions
        {
            PreTokenizerPattern = pattern, NormalizeNfc = qwen, IgnoreMerges = !qwen, PrefixTokens = bos is null ? [] : [bos],
            BosToken = bos, EosToken = eos, PadToken = qwen ? "<|endoftext|>" : null,
        };
        TokenizerJson.Save(Path.Combine(directory, "tokenizer.json"), vocabulary, merges, added, tokenizerOptions, mergesAsPairs: !qwen);

        int IdOf(string token) => added.First(a => a.Content == token).Id;
        var config = new CausalLmConfig
        {
            ModelType = qwen ? "qwen2" : "llama",
            VocabularySize = vocabulary.Count + added.Count,
            HiddenSize = options.HiddenSize,
            IntermediateSize = options.IntermediateSize,
            NumHiddenLayers = options.Layers,
            NumAttentionHeads = options.Heads,
            NumKeyValueHeads = options.KeyValueHeads,
            RmsNormEps = 1e-6,
            RopeTheta = qwen ? 1_000_000 : 500_000,
            RopeScaling = qwen ? null : new RopeScaling("llama3", Factor: 8, LowFrequencyFactor: 1, HighFrequencyFactor: 4, OriginalMaxPositionEmbeddings: 64),
            MaxPositionEmbeddings = 512,
            TieWordEmbeddings = options.TieWordEmbeddings ?? qwen,
            AttentionBias = false,
            BosTokenId = bos is null ? null : IdOf(bos),
            EosTokenIds = [IdOf(eos)],
            PadTokenId = qwen ? IdOf("<|endoftext|>") : null,
        };
        File.WriteAllText(Path.Combine(directory, "config.json"), config.ToJson());
        File.WriteAllText(Path.Combine(directory, "generation_config.json"), new JsonObject
        {
            ["bos_token_id"] = config.BosTokenId, ["eos_token_id"] = new JsonArray(config.EosTokenIds.Select(i => (JsonNode)i).ToArray()),
        }.ToJsonString(Indented));
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), new JsonObject
        {
            ["tokenizer_class"] = qwen ? "Qwen2Tokenizer" : "PreTrainedTokenizerFast",
            ["bos_token"] = bos, ["eos_token"] = eos, ["pad_token"] = tokenizerOptions.PadToken,
            ["model_max_length"] = config.MaxPositionEmbeddings,
            ["chat_template"] = ChatTemplate.JinjaFor(qwen ? ChatTemplateFamily.ChatMl : ChatTemplateFamily.Llama3, qwen ? "You are a helpful assistant." : null),
        }.ToJsonString(Indented));

        using var model = new LlamaForCausalLM(config);
        return new TinyModelWritten(directory, SaveRandomised(model, directory), config.VocabularySize);
    }

    private static TinyModelWritten WriteBert(string directory, string text, TinyModelOptions options)
    {
        var vocabulary = BertVocabulary(text, options.VocabularySize);
        File.WriteAllLines(Path.Combine(directory, "vocab.txt"), vocabulary);
        var config = new BertConfig
        {
            VocabularySize = vocabulary.Count, HiddenSize = options.HiddenSize, NumHiddenLayers = options.Layers, NumAttentionHeads = options.Heads,
            IntermediateSize = options.IntermediateSize, MaxPositionEmbeddings = 512,
        };
        File.WriteAllText(Path.Combine(directory, "config.json"), config.ToJson());
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), new JsonObject
        {
            ["tokenizer_class"] = "BertTokenizer", ["do_lower_case"] = true, ["tokenize_chinese_chars"] = true, ["strip_accents"] = null,
            ["cls_token"] = "[CLS]", ["sep_token"] = "[SEP]", ["pad_token"] = "[PAD]", ["unk_token"] = "[UNK]", ["mask_token"] = "[MASK]",
            ["model_max_length"] = 512,
        }.ToJsonString(Indented));
        Directory.CreateDirectory(Path.Combine(directory, "1_Pooling"));
        File.WriteAllText(Path.Combine(directory, "1_Pooling", "config.json"), new JsonObject
        {
            ["word_embedding_dimension"] = config.HiddenSize, ["pooling_mode_cls_token"] = true, ["pooling_mode_mean_tokens"] = false,
        }.ToJsonString(Indented));

        using var model = new BertModel(config);
        return new TinyModelWritten(directory, SaveRandomised(model, directory), config.VocabularySize);
    }

    /// <summary>The specials, then every character of the text (and its ## form), then the most frequent words, up to the size.</summary>
    private static List<string> BertVocabulary(string text, int size)
    {
        var lines = new List<string> { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" };
        var basic = new WordPieceTokenizer(lines);
        var words = basic.BasicTokens(text).ToList();
        var characters = words.SelectMany(w => w.EnumerateRunes().Select(r => r.ToString())).Distinct().Order(StringComparer.Ordinal).ToList();
        lines.AddRange(characters);
        lines.AddRange(characters.Select(c => "##" + c));
        lines.AddRange(words.Where(w => w.Length > 1).GroupBy(w => w).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key));
        return lines.Distinct().Take(Math.Max(size, 5 + 2 * characters.Count)).ToList();
    }

    /// <summary>N(0, 0.02) weights like Hugging Face's initializer_range, unit norm scales; returns the parameter count.</summary>
    private static long SaveRandomised(Module model, string directory)
    {
        using (torch.no_grad())
            foreach (var (name, parameter) in model.named_parameters())
            {
                if (name.EndsWith("norm.weight", StringComparison.Ordinal) || name.EndsWith("LayerNorm.weight", StringComparison.Ordinal))
                    parameter.fill_(1.0);
                else if (name.EndsWith("LayerNorm.bias", StringComparison.Ordinal))
                    parameter.zero_();
                else
                    parameter.normal_(0, 0.02);
            }
        var state = model.state_dict();
        SafeTensors.Save(Path.Combine(directory, "model.safetensors"), state, new Dictionary<string, string> { ["format"] = "pt" });
        return state.Values.Sum(t => t.numel());
    }
}
