namespace Portal.Ml.Models.HuggingFace;

public enum TinyModelFamily { Qwen2, Llama, Bert }

public sealed record TinyModelOptions
{
    public int VocabularySize { get; init; } = 512;
    public int Seed { get; init; }
    public int HiddenSize { get; init; } = 64;
    public int Layers { get; init; } = 2;
    public int Heads { get; init; } = 4;
    public int KeyValueHeads { get; init; } = 2;
    public int IntermediateSize { get; init; } = 128;
    public bool TieWordEmbeddings { get; init; }
}

public sealed record TinyModelWritten(string Directory, long Parameters, int VocabularySize);

/// <summary>Writes small random models as Hugging Face directories: what tests, benchmarks and <c>model make-tiny</c> use.</summary>
public static partial class TinyModelFactory
{
}
