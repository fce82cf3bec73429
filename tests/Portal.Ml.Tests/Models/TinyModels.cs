using Portal.Ml.Models.HuggingFace;

namespace Portal.Ml.Tests.Models;

/// <summary>Tiny random model directories written once per test run by the same code as <c>model make-tiny</c>.</summary>
internal static class TinyModels
{
    private static readonly Lazy<string> root = new(() => System.IO.Directory.CreateTempSubdirectory("portal-tiny-models").FullName);
    private static readonly Dictionary<string, string> written = [];

    internal static string Directory(TinyModelFamily family, bool? tied = null)
    {
        var key = $"{family}-{tied}";
        lock (written)
        {
            if (written.TryGetValue(key, out var path))
                return path;
            path = Path.Combine(root.Value, key);
            TinyModelFactory.Write(family, path, TinyModelFactory.SampleText, new TinyModelOptions { VocabularySize = 320, Seed = 7, TieWordEmbeddings = tied });
            written[key] = path;
            return path;
        }
    }
}
