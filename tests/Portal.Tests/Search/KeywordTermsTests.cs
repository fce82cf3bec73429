using Portal.Search.Keyword;

namespace Portal.Tests.Search;

public sealed class KeywordTermsTests
{
    [Fact]
    public void A_terms_positions_are_its_occurrence_numbers_so_their_count_is_tf()
    {
        var terms = KeywordTerms.Of("dog, lazy dog; DOG");
        terms.Length.ShouldBe(4);
        terms.ToTsVector().ShouldBe("'dog':1,2,3 'lazy':1");
    }

    [Fact]
    public void Cjk_text_is_stored_as_characters_and_bigrams()
    {
        var terms = KeywordTerms.Of("合同合同");
        terms.Frequencies["合同"].ShouldBe(2);
        terms.Frequencies["同合"].ShouldBe(1);
        terms.Length.ShouldBe(7);
    }

    [Fact]
    public void Term_frequency_is_capped_where_tsvector_caps_positions()
    {
        var terms = KeywordTerms.Of(string.Join(' ', Enumerable.Repeat("spam", 300)));
        terms.Length.ShouldBe(300);
        terms.ToTsVector().Split(',').Length.ShouldBe(KeywordTerms.MaxTermFrequency);
    }
}
