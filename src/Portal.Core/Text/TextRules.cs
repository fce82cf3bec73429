using System.Globalization;
using System.Text;

namespace Portal.Text;

/// <summary>
/// What stored text may hold. Control characters other than tab and line breaks (NUL among them, which PostgreSQL
/// cannot store) and unpaired surrogates are refused at the boundary. Names also lose bidirectional controls, which can
/// make a name read as another ("invoice\u202Efdp.exe"), and a name with nothing visible left is no name.
/// </summary>
public static class TextRules
{
    /// <summary>The first character stored text may not hold, or null.</summary>
    public static int? ForbiddenCharacter(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c)) return c;
            if (c is '\t' or '\n' or '\r') continue;
            if (c < 0x20 || c is >= (char)0x7F and <= (char)0x9F) return c;
        }
        return null;
    }

    public static string Describe(int character) =>
        $"Contains a character that cannot be stored (U+{character:X4}); only printable text, tabs and line breaks are allowed.";

    /// <summary>
    /// The name without bidirectional controls, trimmed of spaces and invisible characters; null when nothing visible is
    /// left or a forbidden character is present.
    /// </summary>
    public static string? CleanName(string? raw)
    {
        if (raw is null || ForbiddenCharacter(raw) is not null) return null;
        var kept = new StringBuilder(raw.Length);
        foreach (var rune in raw.EnumerateRunes())
            if (!IsBidiControl(rune.Value)) kept.Append(rune.ToString());
        var name = kept.ToString();
        var start = 0;
        var end = name.Length;
        while (start < end && IsBlank(name, start, leading: true, out var width)) start += width;
        while (end > start && IsBlankBefore(name, end, out var width)) end -= width;
        return start == end ? null : name[start..end];
    }

    private static bool IsBidiControl(int c) => c is >= 0x202A and <= 0x202E or >= 0x2066 and <= 0x2069 or 0x200E or 0x200F or 0x061C;

    private static bool IsBlank(string s, int index, bool leading, out int width)
    {
        var rune = Rune.GetRuneAt(s, index);
        width = rune.Utf16SequenceLength;
        return Invisible(rune, leading);
    }

    private static bool IsBlankBefore(string s, int end, out int width)
    {
        var start = end - 1;
        if (start > 0 && char.IsLowSurrogate(s[start]) && char.IsHighSurrogate(s[start - 1])) start--;
        return IsBlank(s, start, leading: false, out width);
    }

    // A combining mark leads nothing, so it is trimmed at the start; at the end it belongs to the letter before it.
    private static bool Invisible(Rune rune, bool leading) => Rune.IsWhiteSpace(rune)
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.Control
        || leading && Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
        || rune.Value is 0x115F or 0x1160 or 0x3164 or 0xFFA0 or 0x2800;
}
