namespace Portal.Ml.Models.HuggingFace
{
    public sealed partial class HuggingFaceModelDirectory
    {
        public static HuggingFaceModelDirectory Load(string path) => throw new NotImplementedException(path);
    }

    public static partial class TinyModelFactory
    {
        public const string SampleText = "Portal answers questions from a knowledge base.";

        public static TinyModelWritten Write(TinyModelFamily family, string directory, string trainingText, TinyModelOptions options) =>
            throw new NotImplementedException($"{family} {directory} {trainingText.Length} {options}");
    }
}

namespace Portal.Ml.Models
{
    public static partial class PeftAdapter
    {
        /// <summary>Wraps the adapter's target modules in LoRALinear and loads A/B; returns the wrapped module names.</summary>
        public static IReadOnlyList<string> Apply(ICausalLanguageModel model, string adapterDirectory) => throw new NotImplementedException(adapterDirectory + model);
    }
}
