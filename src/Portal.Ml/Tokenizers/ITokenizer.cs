namespace Portal.Ml.Tokenizers;

/// <summary>Text to token ids and back, as a Hugging Face tokenizer does for one model family.</summary>
public interface ITokenizer
{
    /// <summary>Ids of <paramref name="text"/>; with <paramref name="addSpecialTokens"/> the family's framing ([CLS] … [SEP], or BOS) is added.</summary>
    IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false);

    /// <summary>Text of <paramref name="ids"/>; special tokens are left out unless <paramref name="skipSpecialTokens"/> is false.</summary>
    string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = true);

    int VocabularySize { get; }
    int? BosTokenId { get; }
    int? EosTokenId { get; }
    int? PadTokenId { get; }
}
