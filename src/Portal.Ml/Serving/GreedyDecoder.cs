using Portal.Ml.Training.Lora;

namespace Portal.Ml.Serving;

/// <summary>
/// Greedy decoding by re-running the whole sequence each step (no KV cache), for the engine's own small
/// decoder, which has no cache: the trainer's tests judge its answers with it. Serving and <c>generate</c>
/// use the KV-cached <see cref="Generation.Generator"/> through <see cref="LocalModelServer"/>.
/// </summary>
public static class GreedyDecoder
{
    public static List<int> Generate(TrainableLanguageModel model, IReadOnlyList<int> prompt, int maxNewTokens, int? stopId, CancellationToken ct = default)
    {
        using var noGrad = torch.no_grad();
        var ids = prompt.ToList();
        var generated = new List<int>();
        var device = model.Model.parameters().First().device;
        for (var i = 0; i < maxNewTokens && ids.Count < model.MaxSequenceLength; i++)
        {
            ct.ThrowIfCancellationRequested();
            using var scope = torch.NewDisposeScope();
            var input = torch.tensor(ids.Select(id => (long)id).ToArray(), [1, ids.Count]).to(device);
            var logits = model.Logits(input);
            var next = (int)logits.narrow(1, ids.Count - 1, 1).argmax(-1).ToDouble();
            if (next == stopId)
                break;
            ids.Add(next);
            generated.Add(next);
        }
        return generated;
    }
}
