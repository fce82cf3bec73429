using Portal.Ml.Search.MiniLm;

namespace Portal.Ml.Tests.Onnx;

/// <summary>The minilm files extracted once for the test run, and their conversion to a Hugging Face BERT directory.</summary>
internal static class MiniLmFixture
{
    private static readonly string Models = Path.Combine(Path.GetTempPath(), "portal-ml-tests", "models");

    private static readonly Lazy<string> Files = new(() => MiniLmModelFiles.Ensure(Models));

    // What ./portal train embed --base minilm starts from.
    private static readonly Lazy<string> Converted = new(() => MiniLmModelFiles.EnsureBertDirectory(Models));

    internal static string Directory => Files.Value;

    internal static string ModelPath => Path.Combine(Directory, MiniLmModelFiles.ModelFile);

    internal static string BertDirectory => Converted.Value;
}
