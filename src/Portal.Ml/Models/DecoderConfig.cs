namespace Portal.Ml.Models;

/// <summary>Shape of a GPT-style decoder-only language model.</summary>
public sealed record DecoderConfig(
    int VocabularySize,
    int ModelDimension,
    int Heads,
    int Layers,
    int MaxSequenceLength,
    double Dropout = 0.0,
    int MlpRatio = 4,
    bool UseRmsNorm = false)
{
    public int HeadDimension => ModelDimension / Heads;
}
