using Portal.Search.Analysis;

namespace Portal.Tests.Search;

public sealed class SearchAnalyzerTests
{
    [Fact]
    public void English_words_are_lower_cased_and_split_on_punctuation() =>
        SearchAnalyzer.Analyze("Hello, World! It's 2024.").ShouldBe(["hello", "world", "it", "s", "2024"]);

    [Fact]
    public void Chinese_yields_character_unigrams_and_bigrams() =>
        SearchAnalyzer.Analyze("合同审批").ShouldBe(["合", "同", "合同", "审", "同审", "批", "审批"]);

    [Fact]
    public void Mixed_text_switches_between_words_and_cjk_grams() =>
        SearchAnalyzer.Analyze("API密钥rotation").ShouldBe(["api", "密", "钥", "密钥", "rotation"]);

    [Fact]
    public void Punctuation_breaks_cjk_bigrams() =>
        SearchAnalyzer.Analyze("年假，病假").ShouldBe(["年", "假", "年假", "病", "假", "病假"]);

    [Fact]
    public void Full_width_forms_fold_to_ascii() =>
        SearchAnalyzer.Analyze("ＡＢＣ１２３").ShouldBe(["abc123"]);

    [Fact]
    public void Empty_and_punctuation_only_text_has_no_terms()
    {
        SearchAnalyzer.Analyze("").ShouldBeEmpty();
        SearchAnalyzer.Analyze(" ,.!?…—「」 ").ShouldBeEmpty();
    }
}
