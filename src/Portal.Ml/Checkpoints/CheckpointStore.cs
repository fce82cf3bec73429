using System.Globalization;
using Portal.Ml.Modules;
using Portal.Ml.Optim;
using Portal.Ml.Serialization;

namespace Portal.Ml.Checkpoints;

/// <summary>
/// Training checkpoints under one directory, one folder per step: <c>step-00000100/</c> holding
/// model.safetensors, optimizer.safetensors and a COMPLETE marker. A checkpoint is written into a
/// temporary folder, the marker is written last, and only then is the folder renamed into place, so a
/// crash leaves either nothing or a folder that <see cref="LoadLatest"/> ignores.
/// </summary>
public sealed class CheckpointStore(string directory)
{
    internal const string ModelFile = "model.safetensors";
    internal const string OptimizerFile = "optimizer.safetensors";
    internal const string CompleteMarker = "COMPLETE";
    private const string Prefix = "step-";
    private const string StepKey = "step";

    public string Directory { get; } = directory;

    public string Save(long step, Module model, AdamW optimizer)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var final = Path.Combine(Directory, FolderName(step));
        var temporary = Path.Combine(Directory, $".{FolderName(step)}.tmp-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(temporary);

        var stepText = step.ToString(CultureInfo.InvariantCulture);
        SafeTensors.Save(Path.Combine(temporary, ModelFile), model.state_dict(), new Dictionary<string, string> { [StepKey] = stepText });
        var optimizerState = optimizer.state_dict();
        SafeTensors.Save(Path.Combine(temporary, OptimizerFile), optimizerState.Moments,
            new Dictionary<string, string> { ["optimizer_step"] = optimizerState.Step.ToString(CultureInfo.InvariantCulture), [StepKey] = stepText });
        WriteDurably(Path.Combine(temporary, CompleteMarker), stepText);

        if (System.IO.Directory.Exists(final))
            System.IO.Directory.Delete(final, recursive: true);
        System.IO.Directory.Move(temporary, final);
        return final;
    }

    /// <summary>The newest complete checkpoint's step, or null when there is none.</summary>
    public long? LatestStep() =>
        CompleteCheckpoints().Select(c => (long?)c.step).DefaultIfEmpty(null).Max();

    /// <summary>Restores model and optimiser from the newest complete checkpoint; returns its step, or null if none.</summary>
    public long? LoadLatest(Module model, AdamW optimizer)
    {
        var latest = CompleteCheckpoints().OrderByDescending(c => c.step).FirstOrDefault();
        if (latest.path is null)
            return null;

        using var scope = torch.NewDisposeScope();
        model.load_state_dict(SafeTensors.Load(Path.Combine(latest.path, ModelFile)));
        using var reader = new SafeTensorsReader(Path.Combine(latest.path, OptimizerFile));
        var moments = reader.Names.ToDictionary(n => n, reader.Load, StringComparer.Ordinal);
        optimizer.load_state_dict(new AdamWState(long.Parse(reader.Metadata["optimizer_step"], CultureInfo.InvariantCulture), moments));
        return latest.step;
    }

    private IEnumerable<(long step, string path)> CompleteCheckpoints()
    {
        if (!System.IO.Directory.Exists(Directory))
            yield break;
        foreach (var folder in System.IO.Directory.EnumerateDirectories(Directory, Prefix + "*"))
        {
            var name = Path.GetFileName(folder);
            if (long.TryParse(name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var step)
                && File.Exists(Path.Combine(folder, CompleteMarker)))
                yield return (step, folder);
        }
    }

    private static string FolderName(long step) => Prefix + step.ToString("D8", CultureInfo.InvariantCulture);

    private static void WriteDurably(string path, string content)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        file.Write(System.Text.Encoding.UTF8.GetBytes(content));
        file.Flush(flushToDisk: true);
    }
}
