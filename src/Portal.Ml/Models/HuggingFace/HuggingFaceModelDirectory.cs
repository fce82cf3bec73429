using Portal.Ml.Tokenizers;

namespace Portal.Ml.Models.HuggingFace;

/// <summary>
/// A model directory as Hugging Face writes it: <c>config.json</c>, <c>model.safetensors</c> (or shards listed in
/// <c>model.safetensors.index.json</c>), <c>tokenizer.json</c> or <c>vocab.txt</c>, <c>tokenizer_config.json</c> and
/// <c>generation_config.json</c>. Qwen2/Llama load as <see cref="CausalLanguageModel"/>, BERT as <see cref="Encoder"/>.
/// </summary>
public sealed partial class HuggingFaceModelDirectory : IDisposable
{
    private HuggingFaceModelDirectory(string path, string modelType, ITokenizer tokenizer)
    {
        Path = path;
        ModelType = modelType;
        Tokenizer = tokenizer;
    }

    public string Path { get; }

    /// <summary><c>model_type</c> from config.json: qwen2, llama or bert.</summary>
    public string ModelType { get; }

    public ITokenizer Tokenizer { get; }

    /// <summary>The chat template family detected from tokenizer_config.json; null for encoders and base models without one.</summary>
    public ChatTemplate? ChatTemplate { get; private init; }

    /// <summary>Every id that ends generation: generation_config.json, config.json and the tokenizer's EOS, plus the chat template's end-of-turn token.</summary>
    public IReadOnlyList<int> EosTokenIds { get; private init; } = [];

    public ICausalLanguageModel? CausalLanguageModel { get; private init; }

    public IEncoderModel? Encoder { get; private init; }

    public ICausalLanguageModel RequireCausalLanguageModel() =>
        CausalLanguageModel ?? throw new InvalidOperationException($"{Path} holds a '{ModelType}' model, not a decoder-only language model");

    public IEncoderModel RequireEncoder() =>
        Encoder ?? throw new InvalidOperationException($"{Path} holds a '{ModelType}' model, not a BERT-family encoder");

    public void Dispose()
    {
        CausalLanguageModel?.Dispose();
        Encoder?.Dispose();
    }
}
