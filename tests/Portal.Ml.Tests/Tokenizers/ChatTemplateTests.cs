using Portal.Ml.Tokenizers;

namespace Portal.Ml.Tests.Tokenizers;

public sealed class ChatTemplateTests
{
    private static readonly ChatMessage[] Conversation = [new("user", "Hi"), new("assistant", "Hello!"), new("user", "Why?")];

    [Fact]
    public void ChatML_renders_turns_and_the_default_system_prompt() =>
        new ChatTemplate(ChatTemplateFamily.ChatMl, "You are a helpful assistant.").Render(Conversation, addGenerationPrompt: true).ShouldBe(
            "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n"
            + "<|im_start|>user\nWhy?<|im_end|>\n<|im_start|>assistant\n");

    [Fact]
    public void ChatML_keeps_an_explicit_system_message() =>
        new ChatTemplate(ChatTemplateFamily.ChatMl, "default").Render([new("system", "S"), new("user", "U")], addGenerationPrompt: false)
            .ShouldBe("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n");

    [Fact]
    public void Llama3_renders_headers_and_trims_content() =>
        new ChatTemplate(ChatTemplateFamily.Llama3).Render([new("system", " S "), new("user", "U")], addGenerationPrompt: true).ShouldBe(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nS<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nU<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n");

    [Fact]
    public void Families_are_detected_from_the_jinja_template()
    {
        ChatTemplate.Detect(ChatTemplate.JinjaFor(ChatTemplateFamily.Llama3))!.Family.ShouldBe(ChatTemplateFamily.Llama3);
        var chatMl = ChatTemplate.Detect(ChatTemplate.JinjaFor(ChatTemplateFamily.ChatMl, "You are Qwen."))!;
        chatMl.Family.ShouldBe(ChatTemplateFamily.ChatMl);
        chatMl.DefaultSystemPrompt.ShouldBe("You are Qwen.");
        ChatTemplate.Detect("{{ messages }}").ShouldBeNull();
    }
}
