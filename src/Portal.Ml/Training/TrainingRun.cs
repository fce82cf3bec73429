using System.Text.Json;
using Portal.Ml.Checkpoints;
using Portal.Ml.Modules;
using Portal.Ml.Optim;
using Portal.Ml.Training.Lora;

namespace Portal.Ml.Training;

/// <summary>
/// How a trainer's steps walk its examples: batches of <see cref="BatchSize"/>, <see cref="Accumulation"/> of them
/// per optimiser step, in an order fixed by (seed, epoch) so a resumed run sees exactly the batches it would have.
/// </summary>
internal sealed record StepPlan(int ExampleCount, int BatchSize, int Accumulation, int Seed)
{
    public int BatchesPerEpoch => (ExampleCount + BatchSize - 1) / BatchSize;

    public int StepsPerEpoch => Math.Max(1, (BatchesPerEpoch + Accumulation - 1) / Accumulation);

    public int Epoch(long step) => (int)(step / StepsPerEpoch);

    public bool EndsEpoch(long step) => (step + 1) % StepsPerEpoch == 0;

    /// <summary>The micro-batches of one optimiser step (fewer than <see cref="Accumulation"/> at an epoch's end).</summary>
    public List<List<T>> MicroBatches<T>(IReadOnlyList<T> examples, long step)
    {
        var order = SupervisedBatches.EpochOrder(examples.Count, Seed, Epoch(step));
        var firstBatch = (int)(step % StepsPerEpoch) * Accumulation;
        return Enumerable.Range(firstBatch, Accumulation).Where(b => b < BatchesPerEpoch)
            .Select(b => order.Skip(b * BatchSize).Take(BatchSize).Select(i => examples[i]).ToList()).ToList();
    }
}

/// <summary>Checkpoint bookkeeping every trainer shares.</summary>
internal static class TrainingRun
{
    private const string StateFile = "trainer_state.json";

    /// <summary>
    /// Prepares <paramref name="store"/> for the run that <paramref name="state"/> describes and, with
    /// <paramref name="resume"/>, loads its latest checkpoint. Returns the step resumed at, or null for a fresh start.
    /// Checkpoints of a run with other settings are refused rather than mixed into this one.
    /// </summary>
    public static long? Begin<TState>(CheckpointStore? store, Module trained, AdamW optimizer, TState state, bool resume)
        where TState : IEquatable<TState>
    {
        if (store is null) return null;
        long? resumedAt = null;
        if (resume && store.LoadLatest(trained, optimizer) is { } step)
        {
            var path = Path.Combine(store.Directory, StateFile);
            if (File.Exists(path) && JsonSerializer.Deserialize<TState>(File.ReadAllText(path)) is var saved && !state.Equals(saved))
                throw new InvalidOperationException(
                    $"the checkpoints in {store.Directory} belong to a run with different settings ({saved}); resume with the same data and options or use a new folder");
            resumedAt = step;
        }
        Directory.CreateDirectory(store.Directory);
        File.WriteAllText(Path.Combine(store.Directory, StateFile), JsonSerializer.Serialize(state));
        return resumedAt;
    }
}

/// <summary>Exposes existing tensors as a module so <see cref="CheckpointStore"/> saves only those. Never disposed: it owns nothing.</summary>
internal sealed class ParameterView : Module
{
    public ParameterView(IReadOnlyDictionary<string, Tensor> tensors)
    {
        foreach (var (name, tensor) in tensors)
            register_parameter(name.Replace('.', '/'), tensor);
    }
}
