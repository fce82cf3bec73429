namespace Portal.Ml.Tokenizers;

/// <summary>
/// GPT-2's reversible byte ↔ character mapping: printable Latin-1 bytes map to themselves, the other 68 bytes
/// to U+0100 onwards, so any byte string becomes a string of visible characters (a space is 'Ġ').
/// </summary>
public static class ByteLevel
{
    private static readonly char[] byteToChar = BuildTable();
    private static readonly Dictionary<char, byte> charToByte = Enumerable.Range(0, 256).ToDictionary(b => byteToChar[b], b => (byte)b);

    public static char ToChar(byte value) => byteToChar[value];

    public static bool TryToByte(char c, out byte value) => charToByte.TryGetValue(c, out value);

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        return string.Create(bytes.Length, bytes.ToArray(), static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
                span[i] = byteToChar[source[i]];
        });
    }

    private static char[] BuildTable()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[b] = printable ? (char)b : (char)next++;
        }
        return table;
    }
}
