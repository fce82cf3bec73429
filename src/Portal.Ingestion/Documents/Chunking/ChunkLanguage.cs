namespace Portal.Documents.Chunking;

/// <summary>
/// Guesses a chunk's language from its scripts: Han characters against Latin words. A Latin word is
/// weighed like one Han character because both carry about one word of meaning.
/// </summary>
internal static class ChunkLanguage
{
    public static string Detect(ReadOnlySpan<char> text)
    {
        int han = 0, latinWords = 0, other = 0;
        var latinRun = 0;
        foreach (var c in text)
        {
            var isLatin = c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '\u00C0' and <= '\u024F';
            // Single letters ("Q:", "A:", "x") are labels, not language.
            if (!isLatin && latinRun >= 2) latinWords++;
            latinRun = isLatin ? latinRun + 1 : 0;
            if (isLatin) continue;
            if (c is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF') han++;
            else if (char.IsLetter(c)) other++;
        }
        if (latinRun >= 2) latinWords++;
        var total = han + latinWords + other;
        if (total == 0) return "other";
        if (other > total * 0.3) return "other";
        if (han >= total * 0.9) return "zh";
        if (latinWords >= total * 0.9) return "en";
        return han > 0 && latinWords > 0 ? "mixed" : "other";
    }
}
