using Portal.Ml.Tokenizers;

namespace Portal.Ml.Training.Lora;

/// <summary>A tokenised example: <see cref="Labels"/> is -100 on prompt positions, so only the answer is learnt.</summary>
public sealed record TokenizedExample(int[] InputIds, int[] Labels)
{
    public const int IgnoreIndex = -100;

    public int SupervisedTokens => Labels.Count(l => l != IgnoreIndex);
}

public static class SupervisedBatches
{
    /// <summary>
    /// prompt ++ answer ++ EOS, cut to <paramref name="maxLength"/> tokens, shifted by one for next-token
    /// prediction. An example whose answer is cut away entirely keeps no supervised token and is dropped.
    /// </summary>
    public static TokenizedExample? Tokenize(InstructionExample example, ITokenizer tokenizer, IPromptFormat format, int maxLength)
    {
        var prompt = tokenizer.Encode(format.Prompt(example.Instruction, example.Input), addSpecialTokens: format.AddSpecialTokens);
        var answer = tokenizer.Encode(example.Output + format.AnswerSuffix).ToList();
        if (format.AppendEos && tokenizer.EosTokenId is { } eos)
            answer.Add(eos);

        var ids = prompt.Concat(answer).Take(maxLength + 1).ToArray();
        if (ids.Length <= prompt.Count)
            return null;
        var labels = new int[ids.Length - 1];
        for (var i = 0; i < labels.Length; i++)
            labels[i] = i + 1 < prompt.Count ? TokenizedExample.IgnoreIndex : ids[i + 1];
        return new TokenizedExample(ids[..^1], labels);
    }

    /// <summary>Right-pads a batch to its longest member: inputs with <paramref name="padId"/>, labels with -100.</summary>
    public static (Tensor inputs, Tensor labels) Collate(IReadOnlyList<TokenizedExample> batch, int padId, Device device)
    {
        var width = batch.Max(e => e.InputIds.Length);
        var inputs = new long[batch.Count * width];
        var labels = new long[batch.Count * width];
        for (var row = 0; row < batch.Count; row++)
            for (var column = 0; column < width; column++)
            {
                var example = batch[row];
                var inside = column < example.InputIds.Length;
                inputs[row * width + column] = inside ? example.InputIds[column] : padId;
                labels[row * width + column] = inside ? example.Labels[column] : TokenizedExample.IgnoreIndex;
            }
        long[] shape = [batch.Count, width];
        using var cpuInputs = torch.tensor(inputs, shape);
        using var cpuLabels = torch.tensor(labels, shape);
        return (cpuInputs.to(device), cpuLabels.to(device));
    }

    /// <summary>The example order of one epoch: a Fisher–Yates shuffle seeded by (seed, epoch), so a resumed run sees the same order.</summary>
    public static int[] EpochOrder(int count, int seed, int epoch)
    {
        var order = Enumerable.Range(0, count).ToArray();
        // Not HashCode.Combine: it is randomised per process, and the order must survive a restart.
        new Random(unchecked(seed * 1_000_003 + epoch)).Shuffle(order);
        return order;
    }
}
