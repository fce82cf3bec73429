using System.Text;

namespace Portal.Ml.Tokenizers;

/// <summary>
/// UTF-8 bytes as ids 0–255 plus BOS (256), EOS (257) and PAD (258). No vocabulary file, so a test or
/// a benchmark can build a tiny model around it; real models use their family's tokenizer.
/// </summary>
public sealed class ByteTokenizer : ITokenizer
{
    public const int Bos = 256, Eos = 257, Pad = 258;

    public int VocabularySize => 259;
    public int? BosTokenId => Bos;
    public int? EosTokenId => Eos;
    public int? PadTokenId => Pad;

    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false)
    {
        var ids = Encoding.UTF8.GetBytes(text).Select(b => (int)b);
        return (addSpecialTokens ? ids.Prepend(Bos) : ids).ToList();
    }

    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = true)
    {
        var bytes = ids.Where(id => id < 256).Select(id => (byte)id).ToArray();
        return Encoding.UTF8.GetString(bytes);
    }
}
