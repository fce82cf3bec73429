using Portal.Ml.Tokenizers;

namespace Portal.Ml.Tests.Tokenizers;

// Expected ids are written by hand from BERT's rules over the vocabulary below (no Hugging Face library here);
// replace with HF-generated fixtures on a machine with transformers (see Fixtures/make_hf_fixtures.py).
public sealed class WordPieceTests
{
    private static readonly string[] Vocabulary =
    [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",          // 0-4
        "hello", "world", "un", "##aff", "##able",             // 5-9
        ",", "!", "cafe", "知", "识", "库", "$", "##s", "a",   // 10-18
        "Hello", "Café",                                       // 19-20
    ];

    private static WordPieceTokenizer Tokenizer(bool lowerCase = true, bool? stripAccents = null, int maxChars = 100) =>
        new(Vocabulary, new WordPieceOptions { LowerCase = lowerCase, StripAccents = stripAccents, MaxInputCharsPerWord = maxChars });

    [Fact]
    public void Words_split_greedily_longest_match_first_with_continuations() =>
        Tokenizer().Encode("unaffable hello").ShouldBe([7, 8, 9, 5]);

    [Fact]
    public void Special_tokens_frame_the_sequence() =>
        Tokenizer().Encode("Hello, world!", addSpecialTokens: true).ShouldBe([2, 5, 10, 6, 11, 3]);

    [Fact]
    public void Each_CJK_character_is_its_own_word() =>
        Tokenizer().Encode("知识库hello").ShouldBe([13, 14, 15, 5]);

    [Fact]
    public void Lower_casing_strips_accents_by_default() =>
        Tokenizer().Encode("CAFÉ").ShouldBe([12]);

    [Fact]
    public void Cased_vocabularies_keep_case_and_accents() =>
        Tokenizer(lowerCase: false).Encode("Hello Café").ShouldBe([19, 20]);

    [Fact]
    public void Accents_can_be_stripped_without_lower_casing() =>
        Tokenizer(lowerCase: false, stripAccents: true).Encode("Café").ShouldBe([1]);

    [Fact]
    public void ASCII_symbols_split_like_punctuation() =>
        Tokenizer().Encode("$a$").ShouldBe([16, 18, 16]);

    [Fact]
    public void A_word_without_a_full_match_is_unknown() =>
        Tokenizer().Encode("unx hello").ShouldBe([1, 5]);

    [Fact]
    public void A_word_over_the_character_limit_is_unknown() =>
        Tokenizer(maxChars: 4).Encode("hello cafe").ShouldBe([1, 12]);

    [Fact]
    public void Control_characters_vanish_and_any_whitespace_separates() =>
        Tokenizer().Encode("hello\u0000\tworld\u3000a").ShouldBe([5, 6, 18]);

    [Fact]
    public void Decode_joins_continuations_and_skips_specials() =>
        Tokenizer().Decode([2, 7, 8, 9, 5, 3]).ShouldBe("unaffable hello");
}
