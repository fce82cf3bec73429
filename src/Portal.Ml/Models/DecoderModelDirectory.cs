using System.Text.Json;
using Portal.Ml.Serialization;

namespace Portal.Ml.Models;

/// <summary>
/// Saves and loads the engine's own <see cref="DecoderLanguageModel"/> as a folder:
/// <c>portal_decoder.json</c> (its <see cref="DecoderConfig"/>) and <c>model.safetensors</c>.
/// </summary>
public static class DecoderModelDirectory
{
    public const string ConfigFile = "portal_decoder.json";
    public const string WeightsFile = "model.safetensors";

    public static bool IsDecoderDirectory(string directory) => File.Exists(Path.Combine(directory, ConfigFile));

    public static void Save(string directory, DecoderLanguageModel model)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, ConfigFile), JsonSerializer.Serialize(model.Config));
        SafeTensors.Save(Path.Combine(directory, WeightsFile), model.state_dict());
    }

    public static DecoderLanguageModel Load(string directory)
    {
        var config = JsonSerializer.Deserialize<DecoderConfig>(File.ReadAllText(Path.Combine(directory, ConfigFile)))
            ?? throw new InvalidDataException($"{directory}/{ConfigFile} is empty");
        var model = new DecoderLanguageModel(config);
        using var scope = torch.NewDisposeScope();
        model.load_state_dict(SafeTensors.Load(Path.Combine(directory, WeightsFile)));
        return model;
    }
}
