using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Ml.Tokenizers;

/// <summary>
/// Reads and writes the Hugging Face <c>tokenizer.json</c> of a byte-level BPE model: <c>model.vocab</c>, <c>model.merges</c>
/// (either <c>"a b"</c> strings or <c>["a", "b"]</c> pairs), <c>added_tokens</c>, an NFC normalizer, the pre-tokenizer
/// (<c>Split</c> with a regular expression, <c>ByteLevel</c>, or a <c>Sequence</c> of them) and a <c>TemplateProcessing</c> post-processor.
/// </summary>
public static class TokenizerJson
{
    public static BpeTokenizer Load(string tokenizerJsonPath, string? tokenizerConfigPath = null)
    {
        var root = JsonNode.Parse(File.ReadAllText(tokenizerJsonPath))?.AsObject() ?? throw new InvalidDataException($"{tokenizerJsonPath} is not a JSON object");
        var model = root["model"]?.AsObject() ?? throw new InvalidDataException($"{tokenizerJsonPath}: no model");
        if ((string?)model["type"] is { } type && type != "BPE")
            throw new NotSupportedException($"{tokenizerJsonPath}: model type {type} is not supported (byte-level BPE is)");

        var vocabulary = model["vocab"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<int>(), StringComparer.Ordinal);
        var merges = model["merges"]?.AsArray().Select(ParseMerge).ToList() ?? [];
        var added = root["added_tokens"]?.AsArray().Select(t => new AddedToken(t!["id"]!.GetValue<int>(), (string)t["content"]!, t["special"]?.GetValue<bool>() ?? false)).ToList() ?? [];

        string? pattern = null;
        var addPrefixSpace = false;
        foreach (var step in Steps(root["pre_tokenizer"]))
            switch ((string?)step["type"])
            {
                case "Split":
                    pattern = (string?)step["pattern"]?["Regex"] ?? System.Text.RegularExpressions.Regex.Escape((string?)step["pattern"]?["String"] ?? "");
                    break;
                case "ByteLevel":
                    addPrefixSpace = step["add_prefix_space"]?.GetValue<bool>() ?? false;
                    if (step["use_regex"]?.GetValue<bool>() ?? true)
                        pattern ??= BpeTokenizerOptions.Gpt2Pattern;
                    break;
            }

        var (prefix, suffix) = PostProcessorTokens(root["post_processor"]);
        var config = tokenizerConfigPath is not null && File.Exists(tokenizerConfigPath) ? JsonNode.Parse(File.ReadAllText(tokenizerConfigPath))?.AsObject() : null;
        return new BpeTokenizer(vocabulary, merges, added, new BpeTokenizerOptions
        {
            PreTokenizerPattern = pattern,
            NormalizeNfc = Steps(root["normalizer"]).Any(n => (string?)n["type"] == "NFC"),
            AddPrefixSpace = addPrefixSpace,
            IgnoreMerges = model["ignore_merges"]?.GetValue<bool>() ?? false,
            PrefixTokens = prefix,
            SuffixTokens = suffix,
            BosToken = SpecialToken(config, "bos_token"),
            EosToken = SpecialToken(config, "eos_token"),
            PadToken = SpecialToken(config, "pad_token"),
        });
    }

    /// <summary>tokenizer_config.json's special tokens are either strings or <c>{"content": …}</c> objects.</summary>
    public static string? SpecialToken(JsonObject? config, string name) => config?[name] switch
    {
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        JsonObject o => (string?)o["content"],
        _ => null,
    };

    public static void Save(string path, IReadOnlyDictionary<string, int> vocabulary, IReadOnlyList<(string Left, string Right)> merges,
        IReadOnlyList<AddedToken> added, BpeTokenizerOptions options, bool mergesAsPairs)
    {
        var vocab = new JsonObject();
        foreach (var (token, id) in vocabulary.OrderBy(p => p.Value))
            vocab[token] = id;
        var mergeArray = new JsonArray(merges.Select(m => mergesAsPairs ? (JsonNode)new JsonArray(m.Left, m.Right) : $"{m.Left} {m.Right}").ToArray());

        JsonNode postProcessor = options.PrefixTokens.Count + options.SuffixTokens.Count == 0
            ? new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false }
            : new JsonObject
            {
                ["type"] = "TemplateProcessing",
                ["single"] = new JsonArray(options.PrefixTokens.Select(t => (JsonNode)new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = t, ["type_id"] = 0 } })
                    .Append(new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "A", ["type_id"] = 0 } })
                    .Concat(options.SuffixTokens.Select(t => (JsonNode)new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = t, ["type_id"] = 0 } })).ToArray()),
            };

        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(added.Select(t => (JsonNode)new JsonObject
            {
                ["id"] = t.Id, ["content"] = t.Content, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = t.Special,
            }).ToArray()),
            ["normalizer"] = options.NormalizeNfc ? new JsonObject { ["type"] = "NFC" } : null,
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = options.PreTokenizerPattern }, ["behavior"] = "Isolated", ["invert"] = false },
                    new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false }),
            },
            ["post_processor"] = postProcessor,
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = null, ["end_of_word_suffix"] = null,
                ["fuse_unk"] = false, ["byte_fallback"] = false, ["ignore_merges"] = options.IgnoreMerges, ["vocab"] = vocab, ["merges"] = mergeArray,
            },
        };
        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    private static (string, string) ParseMerge(JsonNode? node) => node switch
    {
        JsonArray pair => ((string)pair[0]!, (string)pair[1]!),
        JsonValue value when value.GetValue<string>() is var s && s.IndexOf(' ', 1) is var space and > 0 => (s[..space], s[(space + 1)..]),
        _ => throw new InvalidDataException($"unreadable merge {node?.ToJsonString()}"),
    };

    private static IEnumerable<JsonObject> Steps(JsonNode? node)
    {
        if (node is not JsonObject step)
            yield break;
        if (step["pretokenizers"] is JsonArray pre || step["normalizers"] is JsonArray pre2 && (pre = pre2) is not null)
        {
            foreach (var inner in pre)
                foreach (var s in Steps(inner))
                    yield return s;
            yield break;
        }
        yield return step;
    }

    private static (IReadOnlyList<string>, IReadOnlyList<string>) PostProcessorTokens(JsonNode? node)
    {
        var template = node is JsonObject o && (string?)o["type"] == "Sequence"
            ? o["processors"]?.AsArray().OfType<JsonObject>().FirstOrDefault(p => (string?)p["type"] == "TemplateProcessing")
            : node as JsonObject;
        if (template is null || (string?)template["type"] != "TemplateProcessing" || template["single"] is not JsonArray single)
            return ([], []);
        var prefix = new List<string>();
        var suffix = new List<string>();
        var seenSequence = false;
        foreach (var piece in single.OfType<JsonObject>())
        {
            if (piece["Sequence"] is not null)
                seenSequence = true;
            else if ((string?)piece["SpecialToken"]?["id"] is { } token)
                (seenSequence ? suffix : prefix).Add(token);
        }
        return (prefix, suffix);
    }
}
