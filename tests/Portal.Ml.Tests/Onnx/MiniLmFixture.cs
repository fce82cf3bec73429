using Portal.Ml.Onnx;
using Portal.Ml.Search.MiniLm;

namespace Portal.Ml.Tests.Onnx;

/// <summary>The minilm files extracted once for the test run, and their conversion to a Hugging Face BERT directory.</summary>
internal static class MiniLmFixture
{
    private static readonly Lazy<string> Files = new(() =>
        MiniLmModelFiles.Ensure(Path.Combine(Path.GetTempPath(), "portal-ml-tests", "models")));

    private static readonly Lazy<string> Converted = new(() =>
    {
        var output = Path.Combine(Path.GetTempPath(), "portal-ml-tests", "minilm-bert");
        OnnxBertConverter.Convert(Path.Combine(Directory, MiniLmModelFiles.ModelFile), Path.Combine(Directory, MiniLmModelFiles.VocabularyFile), output);
        return output;
    });

    internal static string Directory => Files.Value;

    internal static string ModelPath => Path.Combine(Directory, MiniLmModelFiles.ModelFile);

    internal static string BertDirectory => Converted.Value;
}
