namespace Portal.Ml.Training.Lora;

/// <summary>Turns an instruction (and optional input) into the text the model sees before its answer.</summary>
public interface IPromptFormat
{
    string Prompt(string instruction, string input);

    /// <summary>Appended after the answer's tokens' end-of-text id; most chat templates need nothing.</summary>
    string AnswerSuffix => "";
}

/// <summary>The alpaca template, for models without a chat template (the engine's toy decoder).</summary>
public sealed class PlainPromptFormat : IPromptFormat
{
    public static readonly PlainPromptFormat Instance = new();

    public string Prompt(string instruction, string input) =>
        input.Length == 0
            ? $"### Instruction:\n{instruction}\n\n### Response:\n"
            : $"### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:\n";
}
