using System.ComponentModel.DataAnnotations;

namespace Portal.Ml.Chat;

/// <summary>The <c>Ml:ChatModel</c> section: the in-process chat model behind the <c>local</c> generator.</summary>
public sealed class LocalChatModelOptions
{
    public const string Section = "Ml:ChatModel";

    /// <summary>A Hugging Face Qwen2/Llama directory (config.json, safetensors, tokenizer.json). Empty: no local model on this node, and the local generator answers 501.</summary>
    public string BaseModel { get; set; } = "";

    /// <summary>Tenants' LoRA adapters in PEFT format at <c>{AdaptersDirectory}/{tenantId}/{version}/</c>. Empty: every tenant gets the base model.</summary>
    public string AdaptersDirectory { get; set; } = "";

    /// <summary>Adapter versions kept in memory; the least recently used are dropped first.</summary>
    [Range(1, 1000)] public int MaxAdapters { get; set; } = 16;

    [Range(1, 1_000_000)] public int MaxAdapterMegabytes { get; set; } = 512;

    internal bool IsInstalled => !string.IsNullOrWhiteSpace(BaseModel);
}
