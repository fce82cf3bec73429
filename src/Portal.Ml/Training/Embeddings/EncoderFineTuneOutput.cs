using System.Text.Json.Nodes;
using Portal.Ml.Adapters;
using Portal.Ml.Models;
using Portal.Ml.Models.HuggingFace;
using Portal.Ml.Modules;
using Portal.Ml.Serialization;

namespace Portal.Ml.Training.Embeddings;

/// <summary>
/// Where a fine-tuned encoder goes. A full fine-tune is a Hugging Face directory (the base's config.json and
/// tokenizer files, model.safetensors under BertModel's own names) that any BERT loader reads as a new model;
/// a LoRA fine-tune is a PEFT adapter (adapter_model.safetensors + adapter_config.json) applied on top of the base.
/// </summary>
public static class EncoderFineTuneOutput
{
    /// <summary>Everything in a model directory that is not weights: tokenizer, sentence-transformers pooling and module files.</summary>
    private static readonly string[] CopiedFiles =
    [
        "config.json", "vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json",
        "modules.json", "sentence_bert_config.json", "config_sentence_transformers.json", "README.md",
    ];

    public static void SaveFull(string directory, IEncoderModel encoder, string baseDirectory)
    {
        if (encoder.Root.named_modules().Any(m => m.module is LoRALinear))
            throw new InvalidOperationException("the encoder carries LoRA layers; save it as an adapter");
        Directory.CreateDirectory(directory);
        foreach (var file in CopiedFiles.Where(f => File.Exists(Path.Combine(baseDirectory, f))))
            File.Copy(Path.Combine(baseDirectory, file), Path.Combine(directory, file), overwrite: true);
        var pooling = Path.Combine(baseDirectory, "1_Pooling");
        if (Directory.Exists(pooling))
        {
            Directory.CreateDirectory(Path.Combine(directory, "1_Pooling"));
            foreach (var file in Directory.EnumerateFiles(pooling))
                File.Copy(file, Path.Combine(directory, "1_Pooling", Path.GetFileName(file)), overwrite: true);
        }

        using var scope = torch.NewDisposeScope();
        var tensors = encoder.Root.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().to(ScalarType.Float32).cpu(), StringComparer.Ordinal);
        // The pooler is not trained (sentence embedders pool themselves) but a BertModel loader expects it: carry the base's.
        var readers = HuggingFaceModelDirectory.WeightFiles(baseDirectory).Select(f => new SafeTensorsReader(f)).ToList();
        try
        {
            foreach (var reader in readers)
                foreach (var key in reader.Names)
                {
                    var name = key.StartsWith("bert.", StringComparison.Ordinal) ? key[5..] : key;
                    if (name.StartsWith("pooler.", StringComparison.Ordinal) && !tensors.ContainsKey(name))
                        tensors[name] = reader.Load(key).to(ScalarType.Float32);
                }
            SafeTensors.Save(Path.Combine(directory, "model.safetensors"), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        }
        finally
        {
            foreach (var reader in readers)
                reader.Dispose();
        }
    }

    /// <summary>PEFT adapter of every <see cref="LoRALinear"/> in the encoder; its task type is feature extraction.</summary>
    public static void SaveAdapter(string directory, IEncoderModel encoder, string baseDirectory)
    {
        PeftAdapterFormat.Save(directory, encoder.Root, Path.GetFullPath(baseDirectory));
        var configPath = Path.Combine(directory, PeftAdapterFormat.ConfigFile);
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        config["task_type"] = "FEATURE_EXTRACTION";
        File.WriteAllText(configPath, config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Applies a PEFT adapter to a loaded encoder and folds it into the base weights (no per-call cost).</summary>
    public static void ApplyAdapter(IEncoderModel encoder, string adapterDirectory)
    {
        using var weights = PeftAdapterFormat.Load(adapterDirectory);
        PeftAdapterFormat.ApplyTo(encoder.Root, weights);
        LoraInjection.MergeAll(encoder.Root);
    }
}
