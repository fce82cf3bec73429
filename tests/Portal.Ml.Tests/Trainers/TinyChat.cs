using Portal.Ml.Models;
using Portal.Ml.Serving;
using Portal.Ml.Tokenizers;
using Portal.Ml.Training.Lora;

namespace Portal.Ml.Tests.Trainers;

/// <summary>A tiny random byte-level decoder and twenty made-up QA pairs for the LoRA tests.</summary>
internal static class TinyChat
{
    internal static readonly ByteTokenizer Tokenizer = new();

    internal static readonly DecoderConfig Config = new(VocabularySize: 259, ModelDimension: 64, Heads: 4, Layers: 2, MaxSequenceLength: 80);

    private static readonly string[] Places =
        ["Zorn", "Plim", "Quax", "Brel", "Mivo", "Tarn", "Gusk", "Vell", "Orpa", "Dwin", "Kesh", "Lumo", "Fyrd", "Habo", "Nix", "Pell", "Ruzo", "Sarn", "Twee", "Yolk"];

    private static readonly string[] Answers =
        ["red", "blue", "tea", "owls", "nine", "salt", "jazz", "moss", "iron", "figs", "kelp", "rain", "wolf", "corn", "silk", "gold", "plum", "snow", "bees", "lime"];

    internal static IReadOnlyList<InstructionExample> Pairs(int count = 20, int answerOffset = 0) =>
        Enumerable.Range(0, count).Select(i => new InstructionExample($"{Places[i]}?", "", Answers[(i + answerOffset) % Answers.Length])).ToList();

    /// <summary>Creates the random base, saves it with the engine and returns its folder (so every run starts from identical weights).</summary>
    internal static string SaveRandomBase(string folder, long seed = 5)
    {
        EngineTestSetup.Deterministic(seed);
        using var model = new DecoderLanguageModel(Config);
        // A random 64-wide head gives every token about the same logit; a wider spread stands in for
        // the confident output layer of a pretrained model, so the answer's token can win the argmax.
        using (torch.no_grad())
            model.state_dict()["lm_head.weight"].mul_(4);
        var directory = Path.Combine(folder, "base");
        DecoderModelDirectory.Save(directory, model);
        return directory;
    }

    /// <summary>A short template keeps the sequences (and the CPU time) small.</summary>
    internal sealed class CompactFormat : IPromptFormat
    {
        public static readonly CompactFormat Instance = new();

        public string Prompt(string instruction, string input) => $"Q:{instruction}\nA:";
    }

    internal static string Answer(TrainableLanguageModel model, string question)
    {
        var prompt = Tokenizer.Encode(CompactFormat.Instance.Prompt(question, ""), addSpecialTokens: true);
        return Tokenizer.Decode(GreedyDecoder.Generate(model, prompt, maxNewTokens: 8, stopId: ByteTokenizer.Eos));
    }

    internal static double ExactMatch(TrainableLanguageModel model, IReadOnlyList<InstructionExample> pairs)
    {
        model.Model.eval();
        return pairs.Count(p => Answer(model, p.Instruction) == p.Output) / (double)pairs.Count;
    }

    internal static LoraSftOptions FastOptions => new()
    {
        Rank = 8,
        Alpha = 16,
        Dropout = 0.0,
        LearningRate = 1e-2,
        Epochs = 30,
        BatchSize = 4,
        EvalSplit = 0,
        MaxLength = 64,
    };
}
