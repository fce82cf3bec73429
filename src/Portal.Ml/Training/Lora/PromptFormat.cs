using Portal.Ml.Tokenizers;

namespace Portal.Ml.Training.Lora;

/// <summary>Turns an instruction (and optional input) into the text the model sees before its answer.</summary>
public interface IPromptFormat
{
    string Prompt(string instruction, string input);

    /// <summary>Text that closes the answer (a chat template's end-of-turn token).</summary>
    string AnswerSuffix => "";

    /// <summary>Whether the tokenizer adds its own framing (BOS) to the prompt; false when the text already carries it.</summary>
    bool AddSpecialTokens => true;

    /// <summary>Whether the tokenizer's EOS id follows the answer (not needed when <see cref="AnswerSuffix"/> ends the turn).</summary>
    bool AppendEos => true;
}

/// <summary>The model family's chat template: the instruction (and input) as one user turn, the answer as the assistant's.</summary>
public sealed class ChatTemplatePromptFormat(ChatTemplate template) : IPromptFormat
{
    public string Prompt(string instruction, string input) =>
        template.Render([new ChatMessage("user", input.Length == 0 ? instruction : $"{instruction}\n\n{input}")], addGenerationPrompt: true);

    public string AnswerSuffix => template.EndOfTurnToken;
    public bool AddSpecialTokens => false;
    public bool AppendEos => false;
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
