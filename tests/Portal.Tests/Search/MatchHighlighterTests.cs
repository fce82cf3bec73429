using Portal.Web.Features.Search;
using Portal.Search.Vectors;

namespace Portal.Tests.Search;

public sealed class MatchHighlighterTests
{
    [Fact]
    public void Markup_in_chunk_text_is_encoded_and_only_matches_are_marked() =>
        MatchHighlighter.Highlight("<b>Invoice</b> & 发票", ["invoice", "发票"])
            .ShouldBe("&lt;b&gt;<mark>Invoice</mark>&lt;/b&gt; &amp; <mark>发票</mark>");

    [Fact]
    public void A_term_that_spells_markup_cannot_inject_it() =>
        MatchHighlighter.Highlight("x <script> y", ["<script>"]).ShouldBe("x <mark>&lt;script&gt;</mark> y");
}
