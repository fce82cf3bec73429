namespace Portal.Ml.Models;

/// <summary>
/// PEFT LoRA adapters on disk: <c>adapter_config.json</c> (r, lora_alpha, target_modules) and
/// <c>adapter_model.safetensors</c> with keys <c>base_model.model.{module}.lora_A.weight</c> / <c>lora_B.weight</c>.
/// </summary>
public static partial class PeftAdapter
{
    public const string KeyPrefix = "base_model.model.";
}
