using Portal.Ml.Models;
using Portal.Ml.Modules;

namespace Portal.Ml.Training.Lora;

/// <summary>
/// What the trainer and the server need from a causal language model: the module tree (for LoRA
/// injection and its parameters) and token ids [batch, time] → logits [batch, time, vocabulary].
/// Any family (the engine's decoder, a Hugging Face Qwen2/Llama) fits by supplying these.
/// </summary>
public sealed record TrainableLanguageModel(Module Model, Func<Tensor, Tensor> Logits, int VocabularySize, int MaxSequenceLength, string Name = "")
{
    public static TrainableLanguageModel From(DecoderLanguageModel model, string name = "") =>
        new(model, model.forward, model.Config.VocabularySize, model.Config.MaxSequenceLength, name);

    /// <summary>A Hugging Face Qwen2/Llama model: module names are HF's, so adapters get PEFT's names.</summary>
    public static TrainableLanguageModel From(ICausalLanguageModel model, string name = "") =>
        new(model.Root, ids => model.Forward(ids), model.Config.VocabularySize, model.Config.MaxPositionEmbeddings, name);
}
