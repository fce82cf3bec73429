namespace Portal.Ml.Generation;

/// <summary>How <see cref="Generator"/> samples. Temperature 0 is greedy; TopK 0 and TopP 1 disable those filters.</summary>
public sealed record GenerationOptions
{
    public int MaxNewTokens { get; init; } = 128;
    public double Temperature { get; init; }
    public double TopP { get; init; } = 1.0;
    public int TopK { get; init; }

    /// <summary>Same seed, same prompt, same model: same tokens.</summary>
    public int? Seed { get; init; }

    /// <summary>Generation stops when the decoded text contains one of these; the stop text is not returned.</summary>
    public IReadOnlyList<string> StopSequences { get; init; } = [];

    /// <summary>Token ids that end generation (the model's EOS ids, an end-of-turn token); not returned.</summary>
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];
}

public enum FinishReason { Length, StopToken, StopSequence }

public sealed record GenerationResult(string Text, IReadOnlyList<int> TokenIds, FinishReason FinishReason, int PromptTokens, double Seconds)
{
    public double TokensPerSecond => Seconds > 0 ? TokenIds.Count / Seconds : 0;
}
