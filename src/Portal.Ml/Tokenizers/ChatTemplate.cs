using System.Text;
using System.Text.RegularExpressions;

namespace Portal.Ml.Tokenizers;

public enum ChatTemplateFamily { ChatMl, Llama3 }

public sealed record ChatMessage(string Role, string Content);

/// <summary>
/// Renders a conversation the way the family's Hugging Face chat template does, without a Jinja engine:
/// Qwen2 ChatML (<c>&lt;|im_start|&gt;role\n…&lt;|im_end|&gt;\n</c>, with the template's default system prompt
/// when the conversation has none) and Llama 3 (<c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\n…&lt;|eot_id|&gt;</c>).
/// Encode the result without adding special tokens: the text already carries them.
/// </summary>
public sealed partial class ChatTemplate
{
    public ChatTemplate(ChatTemplateFamily family, string? defaultSystemPrompt = null)
    {
        Family = family;
        DefaultSystemPrompt = defaultSystemPrompt;
    }

    public ChatTemplateFamily Family { get; }

    /// <summary>Inserted as the first (system) message when the conversation does not start with one.</summary>
    public string? DefaultSystemPrompt { get; }

    /// <summary>The token that ends an assistant turn: generation stops on it.</summary>
    public string EndOfTurnToken => Family == ChatTemplateFamily.ChatMl ? "<|im_end|>" : "<|eot_id|>";

    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        var text = new StringBuilder();
        if (Family == ChatTemplateFamily.Llama3)
            text.Append("<|begin_of_text|>");
        if (DefaultSystemPrompt is not null && (messages.Count == 0 || messages[0].Role != "system"))
            AppendTurn(text, "system", DefaultSystemPrompt);
        foreach (var message in messages)
            AppendTurn(text, message.Role, message.Content);
        if (addGenerationPrompt)
            text.Append(Family == ChatTemplateFamily.ChatMl ? "<|im_start|>assistant\n" : "<|start_header_id|>assistant<|end_header_id|>\n\n");
        return text.ToString();
    }

    private void AppendTurn(StringBuilder text, string role, string content)
    {
        if (Family == ChatTemplateFamily.ChatMl)
            text.Append("<|im_start|>").Append(role).Append('\n').Append(content).Append("<|im_end|>\n");
        else // Llama 3's template trims each message
            text.Append("<|start_header_id|>").Append(role).Append("<|end_header_id|>\n\n").Append(content.Trim()).Append("<|eot_id|>");
    }

    /// <summary>
    /// Recognises the family from a <c>tokenizer_config.json</c> <c>chat_template</c> string; null when it is neither.
    /// The ChatML default system prompt is read from the template's literal, if it has one.
    /// </summary>
    public static ChatTemplate? Detect(string? jinjaTemplate)
    {
        if (string.IsNullOrEmpty(jinjaTemplate))
            return null;
        if (jinjaTemplate.Contains("<|start_header_id|>", StringComparison.Ordinal))
            return new ChatTemplate(ChatTemplateFamily.Llama3);
        if (!jinjaTemplate.Contains("<|im_start|>", StringComparison.Ordinal))
            return null;
        var literal = DefaultSystemLiteral().Match(jinjaTemplate);
        return new ChatTemplate(ChatTemplateFamily.ChatMl, literal.Success ? literal.Groups[1].Value : null);
    }

    /// <summary>The template text make-tiny writes into tokenizer_config.json for a family (enough for <see cref="Detect"/>).</summary>
    public static string JinjaFor(ChatTemplateFamily family, string? defaultSystemPrompt = null) => family switch
    {
        ChatTemplateFamily.ChatMl =>
            "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
            + (defaultSystemPrompt is null ? "" : "{{ '<|im_start|>system\\n" + defaultSystemPrompt + "<|im_end|>\\n' }}")
            + "{% endif %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
        _ =>
            "{{ bos_token }}{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}",
    };

    [GeneratedRegex(@"'<\|im_start\|>system\\n(.+?)<\|im_end\|>", RegexOptions.Singleline)]
    private static partial Regex DefaultSystemLiteral();
}
