using Portal.Text;

namespace Portal.Tests.Text;

public sealed class TextRulesTests
{
    [Theory]
    [InlineData("a\0b", 0x0000)]
    [InlineData("bell\u0007", 0x0007)]
    [InlineData("\u001b[31m", 0x001B)]
    [InlineData("del\u007f", 0x007F)]
    [InlineData("next\u0085line", 0x0085)]
    public void A_character_that_cannot_be_stored_is_found(string text, int expected) =>
        TextRules.ForbiddenCharacter(text).ShouldBe(expected);

    // Attribute strings cannot carry lone surrogates (metadata replaces them), so these are built here.
    [Fact]
    public void An_unpaired_surrogate_is_found_wherever_it_stands()
    {
        TextRules.ForbiddenCharacter("lone " + (char)0xD800 + " high").ShouldBe(0xD800);
        TextRules.ForbiddenCharacter("lone " + (char)0xDC00 + " low").ShouldBe(0xDC00);
        TextRules.ForbiddenCharacter("ends high " + (char)0xD83D).ShouldBe(0xD83D);
        TextRules.ForbiddenCharacter("pair 😀 ok").ShouldBeNull();
    }

    [Theory]
    [InlineData("plain text")]
    [InlineData("tab\tand\nlines\r\n")]
    [InlineData("emoji 😀 and 中文 and العربية")]
    [InlineData("")]
    public void Printable_text_tabs_and_line_breaks_pass(string text) => TextRules.ForbiddenCharacter(text).ShouldBeNull();

    [Theory]
    [InlineData("\u202Egpj.exe", "gpj.exe")]
    [InlineData("  Sales\u200B ", "Sales")]
    [InlineData("\u2066Team\u2069", "Team")]
    [InlineData("e\u0301", "e\u0301")]
    [InlineData("👩‍💻 Devs", "👩‍💻 Devs")]
    public void A_name_loses_bidi_controls_and_invisible_edges_but_keeps_its_letters(string raw, string expected) =>
        TextRules.CleanName(raw).ShouldBe(expected);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\u200B\u200C\u200D\uFEFF")]
    [InlineData("\u202E\u202D")]
    [InlineData("\u3164\u2800")]
    [InlineData("\u0301")]
    [InlineData("name\0")]
    [InlineData(null)]
    public void A_name_with_nothing_visible_is_no_name(string? raw) => TextRules.CleanName(raw).ShouldBeNull();
}
