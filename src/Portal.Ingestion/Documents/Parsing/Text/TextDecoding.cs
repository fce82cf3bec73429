using System.Text;
using System.Text.Unicode;

namespace Portal.Documents.Parsing.Text;

/// <summary>
/// Turns bytes into text: UTF-8 (with or without BOM), UTF-16 with a BOM, GB18030 when the bytes are
/// not UTF-8 but decode to mostly CJK, and nearly-valid UTF-8 with replacement characters.
/// Anything with NUL bytes or many control characters is binary, not text.
/// </summary>
internal static class TextDecoding
{
    private const double MaxReplacementRatio = 0.01;
    private const double MaxControlRatio = 0.02;

    private static readonly Encoding StrictGb18030;
    private static readonly Encoding LenientUtf8 = new UTF8Encoding(false, false);

    static TextDecoding()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        StrictGb18030 = Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }

    public static string? TryDecodeSample(ReadOnlySpan<byte> sample, bool isWholeFile) =>
        TryDecode(sample, isWholeFile, out _);

    /// <summary>Decodes a whole file or rejects it as binary.</summary>
    public static string Decode(ReadOnlySpan<byte> content, List<string> warnings)
    {
        var text = TryDecode(content, complete: true, out var warning)
            ?? throw new DocumentRejectedException(ParseFailureReason.Malformed, "The file is not text in a supported encoding.");
        if (warning is not null)
            warnings.Add(warning);
        return text;
    }

    private static string? TryDecode(ReadOnlySpan<byte> bytes, bool complete, out string? warning)
    {
        warning = null;
        string? text;
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            text = DecodeUtf8(bytes[3..], complete, out warning);
        else if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
            text = Encoding.Unicode.GetString(EvenLength(bytes[2..]));
        else if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
            text = Encoding.BigEndianUnicode.GetString(EvenLength(bytes[2..]));
        else if (bytes.Contains((byte)0))
            return null;
        else
            text = DecodeUtf8(bytes, complete, out warning) ?? DecodeGb18030(bytes, complete, out warning);

        return text is not null && !IsMostlyControlCharacters(text) ? text : null;
    }

    private static ReadOnlySpan<byte> EvenLength(ReadOnlySpan<byte> bytes) => bytes[..(bytes.Length & ~1)];

    private static string? DecodeUtf8(ReadOnlySpan<byte> bytes, bool complete, out string? warning)
    {
        warning = null;
        var body = complete ? bytes : TrimIncompleteUtf8Tail(bytes);
        if (Utf8.IsValid(body))
            return Encoding.UTF8.GetString(body);

        var lenient = LenientUtf8.GetString(body);
        var replacements = lenient.AsSpan().Count('\uFFFD');
        if (replacements > lenient.Length * MaxReplacementRatio)
            return null;
        warning = $"The text had {replacements} invalid UTF-8 sequences; they were replaced.";
        return lenient;
    }

    private static string? DecodeGb18030(ReadOnlySpan<byte> bytes, bool complete, out string? warning)
    {
        warning = null;
        // A sample may end inside a multi-byte sequence; drop up to three trailing bytes to find a clean cut.
        for (var trim = 0; trim <= (complete ? 0 : 3) && trim < bytes.Length; trim++)
        {
            try
            {
                var text = StrictGb18030.GetString(bytes[..^trim]);
                return IsMostlyCjk(text) ? text : null;
            }
            catch (DecoderFallbackException)
            {
            }
        }
        return null;
    }

    private static bool IsMostlyCjk(string text)
    {
        int nonAscii = 0, cjk = 0;
        foreach (var c in text)
        {
            if (c < 0x80) continue;
            nonAscii++;
            if (c is >= '\u3000' and <= '\u9FFF' or >= '\uFF00' and <= '\uFFEF') cjk++;
        }
        return nonAscii > 0 && cjk >= nonAscii * 0.9;
    }

    private static ReadOnlySpan<byte> TrimIncompleteUtf8Tail(ReadOnlySpan<byte> bytes)
    {
        // Walk back over continuation bytes to the last lead byte; drop it if its sequence is cut short.
        var i = bytes.Length - 1;
        var continuation = 0;
        while (i >= 0 && continuation < 3 && (bytes[i] & 0xC0) == 0x80)
        {
            i--;
            continuation++;
        }
        if (i < 0)
            return bytes;
        var lead = bytes[i];
        var needed = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
        return needed > continuation ? bytes[..i] : bytes;
    }

    private static bool IsMostlyControlCharacters(string text)
    {
        var controls = 0;
        foreach (var c in text)
        {
            if (c < 0x20 && c is not ('\t' or '\n' or '\r' or '\f') || c == '\x7F')
                controls++;
        }
        return controls > text.Length * MaxControlRatio;
    }
}
