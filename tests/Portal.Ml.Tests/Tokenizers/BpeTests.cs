using System.Text;
using Portal.Ml.Tokenizers;

namespace Portal.Ml.Tests.Tokenizers;

// Expected ids are written by hand from the byte-level BPE rules (UTF-8 bytes, the pre-tokenizer regex, merges by
// rank) over the small vocabulary below: no Hugging Face library is available here. Replace with HF-generated
// fixtures on a machine with transformers (Fixtures/make_hf_fixtures.py; HuggingFaceFixtureTests picks them up).
// Byte b has id b, so an unmerged byte's id is its value: 'a' = 97, ' ' (Ġ) = 32, '\n' (Ċ) = 10.
public sealed class BpeTests
{
    private static string Bytes(params byte[] bytes) => ByteLevel.Encode(bytes);
    private static string Text(string s) => ByteLevel.Encode(Encoding.UTF8.GetBytes(s));

    private static readonly (string, string)[] Merges =
    [
        (Text("l"), Text("l")),         // 256 ll
        (Text("h"), Text("e")),         // 257 he
        (Text("he"), Text("ll")),       // 258 hell
        (Text("hell"), Text("o")),      // 259 hello
        (Text(" "), Text("w")),         // 260 Ġw
        (Text("1"), Text("2")),         // 261 12
        (Bytes(0xE4), Bytes(0xBD)),     // 262 first two bytes of 你
        (Bytes(0xE4, 0xBD), Bytes(0xA0)), // 263 你
    ];

    private static readonly AddedToken[] Added =
        [new(264, "<|im_start|>", true), new(265, "<|im_end|>", true), new(266, "<|x|>", true), new(267, "<|x|>!", false)];

    private static Dictionary<string, int> Vocabulary()
    {
        var vocabulary = Enumerable.Range(0, 256).ToDictionary(b => ByteLevel.ToChar((byte)b).ToString(), b => b);
        foreach (var (left, right) in Merges)
            vocabulary.Add(left + right, vocabulary.Count);
        return vocabulary;
    }

    private static BpeTokenizer Tokenizer(string pattern = BpeTokenizerOptions.Qwen2Pattern, bool nfc = false) =>
        new(Vocabulary(), Merges, Added, new BpeTokenizerOptions { PreTokenizerPattern = pattern, NormalizeNfc = nfc, EosToken = "<|im_end|>" });

    [Fact]
    public void English_words_merge_by_rank_within_pre_tokenized_words() =>
        Tokenizer().Encode("hello world").ShouldBe([259, 260, 111, 114, 108, 100]);

    [Fact]
    public void Chinese_characters_are_their_UTF8_bytes_until_merged() =>
        Tokenizer().Encode("你好").ShouldBe([263, 229, 165, 189]);

    [Fact]
    public void Emoji_are_four_bytes_split_from_letters() =>
        Tokenizer().Encode("hi🙂").ShouldBe([104, 105, 240, 159, 153, 130]);

    [Fact]
    public void Whitespace_runs_leave_the_last_space_to_the_next_word() =>
        Tokenizer().Encode("a  b").ShouldBe([97, 32, 32, 98]);

    [Fact]
    public void Newlines_and_trailing_spaces_are_kept_as_bytes()
    {
        Tokenizer().Encode("x\n\ny").ShouldBe([120, 10, 10, 121]);
        Tokenizer().Encode("a   ").ShouldBe([97, 32, 32, 32]);
    }

    [Fact]
    public void Qwen2_splits_digits_singly_and_Llama3_in_threes()
    {
        Tokenizer(BpeTokenizerOptions.Qwen2Pattern).Encode("123").ShouldBe([49, 50, 51]);
        Tokenizer(BpeTokenizerOptions.Llama3Pattern).Encode("123").ShouldBe([261, 51]);
    }

    [Fact]
    public void Special_tokens_are_split_out_before_pre_tokenization() =>
        Tokenizer().Encode("<|im_start|>user\nhi<|im_end|>").ShouldBe([264, 117, 115, 101, 114, 10, 104, 105, 265]);

    [Fact]
    public void Added_tokens_match_longest_first()
    {
        Tokenizer().Encode("<|x|>!").ShouldBe([267]);
        Tokenizer().Encode("<|x|>?").ShouldBe([266, 63]);
    }

    [Fact]
    public void NFC_normalisation_composes_accents_when_configured()
    {
        Tokenizer(nfc: true).Encode("e\u0301").ShouldBe([195, 169]);
        Tokenizer(nfc: false).Encode("e\u0301").ShouldBe([101, 204, 129]);
    }

    [Fact]
    public void Decode_round_trips_and_skips_special_tokens()
    {
        const string text = "hello 你好 🙂  world\n\t123<|im_end|><|x|>!";
        var tokenizer = Tokenizer();
        var ids = tokenizer.Encode(text);
        tokenizer.Decode(ids, skipSpecialTokens: false).ShouldBe(text);
        tokenizer.Decode(ids).ShouldBe("hello 你好 🙂  world\n\t123<|x|>!");
    }

    [Fact]
    public void Merges_load_from_strings_and_from_pairs_alike()
    {
        var directory = Directory.CreateTempSubdirectory("bpe-json").FullName;
        var options = new BpeTokenizerOptions { PreTokenizerPattern = BpeTokenizerOptions.Qwen2Pattern };
        TokenizerJson.Save(Path.Combine(directory, "strings.json"), Vocabulary(), Merges, Added, options, mergesAsPairs: false);
        TokenizerJson.Save(Path.Combine(directory, "pairs.json"), Vocabulary(), Merges, Added, options, mergesAsPairs: true);
        const string text = "hello world 你好<|im_end|>12";

        var expected = Tokenizer().Encode(text);
        TokenizerJson.Load(Path.Combine(directory, "strings.json")).Encode(text).ShouldBe(expected);
        TokenizerJson.Load(Path.Combine(directory, "pairs.json")).Encode(text).ShouldBe(expected);
    }

    [Fact]
    public void A_trained_tokenizer_round_trips_text_it_never_saw()
    {
        var (vocabulary, merges) = BpeTrainer.Train("the cat sat on the mat. 猫坐在垫子上。", 300, BpeTokenizerOptions.Qwen2Pattern);
        merges.ShouldNotBeEmpty();
        var tokenizer = new BpeTokenizer(vocabulary, merges, [], new BpeTokenizerOptions());
        const string unseen = "Zebras 🦓 don't sit; 斑马不坐。";
        tokenizer.Decode(tokenizer.Encode(unseen)).ShouldBe(unseen);
        tokenizer.Encode("the cat").Count.ShouldBeLessThan("the cat".Length);
    }
}
