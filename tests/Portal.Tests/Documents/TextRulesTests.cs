using Portal.Documents.Chunking;

namespace Portal.Tests.Documents;

public class TextRulesTests
{
    private static List<string> Sentences(string text)
    {
        var result = new List<string>();
        var start = 0;
        foreach (var end in SentenceSplitter.SentenceEnds(text, 0, text.Length))
        {
            result.Add(text[start..end].Trim());
            start = end;
        }
        return result;
    }

    [Fact]
    public void Chinese_sentences_end_at_chinese_terminators_including_closing_quotes() =>
        Sentences("他说：“你好。”然后走了！真的吗？是的；好。").ShouldBe(["他说：“你好。”", "然后走了！", "真的吗？", "是的；", "好。"]);

    [Fact]
    public void English_sentences_do_not_split_at_decimals_abbreviations_or_initials() =>
        Sentences("Pi is 3.14 today. Dr. Smith met J. Doe at 5 p.m. yesterday. \"Really?\" she asked. Done").ShouldBe(
            ["Pi is 3.14 today.", "Dr. Smith met J. Doe at 5 p.m. yesterday.", "\"Really?\" she asked.", "Done"]);

    [Fact]
    public void Mixed_language_text_splits_where_either_language_ends_a_sentence() =>
        Sentences("We ship today.然后发货。OK!").ShouldBe(["We ship today.", "然后发货。", "OK!"]);

    [Theory]
    [InlineData("", 0)]
    [InlineData("   ", 0)]
    [InlineData("中文字", 3)]
    [InlineData("the cat", 2)]
    [InlineData("internationalization", 4)]
    [InlineData("1234567", 3)]
    [InlineData("Hello, world!", 4)]
    [InlineData("tokenizers", 2)]
    [InlineData("用 Portal 搜索", 4)]
    public void Tokens_are_counted_by_the_documented_rule(string text, int expected) =>
        TokenCounter.Count(text).ShouldBe(expected);

    [Theory]
    [InlineData("这是一个中文句子，没有英文。", "zh")]
    [InlineData("This is plain English text.", "en")]
    [InlineData("Portal 是一个知识库 product for teams and 企业用户", "mixed")]
    [InlineData("12345 !!!", "other")]
    [InlineData("Это русский текст без латиницы.", "other")]
    public void Language_is_guessed_from_scripts(string text, string expected) =>
        ChunkLanguage.Detect(text).ShouldBe(expected);
}
