using Portal.Ml.Generation;
using Portal.Ml.Models.HuggingFace;

namespace Portal.Ml.Tests.Models;

public sealed class GenerationTests
{
    private static readonly GenerationOptions Sampling = new() { MaxNewTokens = 16, Temperature = 1.0, TopP = 0.9, TopK = 50, Seed = 1234 };

    private static async Task<GenerationResult> Generate(HuggingFaceModelDirectory directory, GenerationOptions options) =>
        await Generator.GenerateAsync(directory.RequireCausalLanguageModel(), directory.Tokenizer, directory.Tokenizer.Encode("Portal answers"), options);

    [Fact]
    public async Task Sampling_is_deterministic_under_a_seed()
    {
        using var directory = HuggingFaceModelDirectory.Load(TinyModels.Directory(TinyModelFamily.Llama));
        var first = await Generate(directory, Sampling);
        var second = await Generate(directory, Sampling);

        first.TokenIds.Count.ShouldBe(16);
        second.TokenIds.ShouldBe(first.TokenIds);
    }

    [Fact]
    public async Task Streamed_deltas_concatenate_to_the_generated_text()
    {
        using var directory = HuggingFaceModelDirectory.Load(TinyModels.Directory(TinyModelFamily.Qwen2));
        var result = await Generate(directory, Sampling);

        var deltas = new List<string>();
        await foreach (var delta in Generator.StreamAsync(directory.RequireCausalLanguageModel(), directory.Tokenizer, directory.Tokenizer.Encode("Portal answers"), Sampling))
            deltas.Add(delta);

        string.Concat(deltas).ShouldBe(result.Text);
        deltas.ShouldAllBe(d => d.Length > 0 && !char.IsHighSurrogate(d[d.Length - 1]));
    }

    [Fact]
    public async Task A_stop_sequence_ends_generation_and_is_not_returned()
    {
        using var directory = HuggingFaceModelDirectory.Load(TinyModels.Directory(TinyModelFamily.Qwen2));
        var greedy = new GenerationOptions { MaxNewTokens = 24 };
        var full = (await Generate(directory, greedy)).Text;
        var at = Enumerable.Range(2, full.Length - 3).First(i => full[i] != '\uFFFD' && full[i + 1] != '\uFFFD' && !char.IsSurrogate(full[i]) && !char.IsSurrogate(full[i + 1]));
        var stop = full.Substring(at, 2);

        var stopped = await Generate(directory, greedy with { StopSequences = [stop] });

        stopped.FinishReason.ShouldBe(FinishReason.StopSequence);
        stopped.Text.ShouldBe(full[..full.IndexOf(stop, StringComparison.Ordinal)]);
    }

    [Fact]
    public async Task A_stop_token_ends_generation_before_it_is_emitted()
    {
        using var directory = HuggingFaceModelDirectory.Load(TinyModels.Directory(TinyModelFamily.Llama));
        var greedy = new GenerationOptions { MaxNewTokens = 8 };
        var first = (await Generate(directory, greedy)).TokenIds;

        var stopped = await Generate(directory, greedy with { StopTokenIds = [first[2]] });

        stopped.FinishReason.ShouldBe(FinishReason.StopToken);
        stopped.TokenIds.ShouldBe(first.Take(first.ToList().IndexOf(first[2])));
    }

    [Fact]
    public void Top_k_one_is_greedy_and_top_p_keeps_the_most_likely_token()
    {
        float[] logits = [0.1f, 2.0f, 1.9f, -1f];
        var random = new Random(5);
        Enumerable.Range(0, 20).Select(_ => Generator.Sample(logits, new GenerationOptions { Temperature = 1, TopK = 1 }, random)).ShouldAllBe(t => t == 1);
        Enumerable.Range(0, 20).Select(_ => Generator.Sample(logits, new GenerationOptions { Temperature = 1, TopP = 0.01 }, random)).ShouldAllBe(t => t == 1);
        Enumerable.Range(0, 200).Select(_ => Generator.Sample(logits, new GenerationOptions { Temperature = 1, TopK = 2 }, random)).Distinct().Order().ShouldBe([1, 2]);
    }
}
