using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Portal.Documents;
using Portal.Documents.Chunking;
using Portal.Documents.Parsing;

namespace Portal.Tests.Documents;

using DocumentFormat = Portal.Documents.DocumentFormat;

public class ChunkerTests
{
    private static ParsedUnit Unit(string text, params string[] path) => new() { Text = text, HeadingPath = path };
    private static ParsedUnit Heading(string text, params string[] path) => new() { Text = text, Kind = UnitKind.Heading, HeadingPath = path };

    private static ParsedDocument LongMixedDocument()
    {
        var units = new List<ParsedUnit>();
        for (var section = 1; section <= 6; section++)
        {
            units.Add(Heading($"Chapter {section}", $"Chapter {section}"));
            for (var p = 0; p < section * 3; p++)
                units.Add(Unit(p % 2 == 0 ? TextSamples.EnglishParagraph(p) : TextSamples.ChineseParagraph(p), $"Chapter {section}") with { Page = section });
        }
        return new ParsedDocument { Format = DocumentFormat.Pdf, Units = units };
    }

    public static TheoryData<ChunkingStrategy> Strategies => [ChunkingStrategy.FixedTokens, ChunkingStrategy.Recursive, ChunkingStrategy.HeadingAware];

    [Theory]
    [MemberData(nameof(Strategies))]
    public void No_chunk_is_larger_than_the_chunk_size(ChunkingStrategy strategy)
    {
        var chunks = Chunker.Chunk(LongMixedDocument(), new ChunkingOptions { Strategy = strategy, ChunkSize = 120, ChunkOverlap = 20 });
        chunks.Count.ShouldBeGreaterThan(5);
        chunks.ShouldAllBe(c => c.TokenCount <= 120 && c.TokenCount > 0);
    }

    [Theory]
    [MemberData(nameof(Strategies))]
    public void A_chunks_offsets_point_at_its_text_in_the_full_text(ChunkingStrategy strategy)
    {
        var document = LongMixedDocument();
        var fullText = document.FullText();
        foreach (var chunk in Chunker.Chunk(document, new ChunkingOptions { Strategy = strategy, ChunkSize = 100, ChunkOverlap = 10 }))
            fullText[chunk.StartOffset..chunk.EndOffset].ShouldBe(chunk.Text);
    }

    [Fact]
    public void Fixed_token_chunks_overlap_by_the_configured_number_of_tokens()
    {
        var words = string.Join(" ", Enumerable.Range(0, 1000).Select(i => $"w{i % 10}"));
        var document = new ParsedDocument { Format = DocumentFormat.PlainText, Units = [Unit(words)] };
        var chunks = Chunker.Chunk(document, new ChunkingOptions { Strategy = ChunkingStrategy.FixedTokens, ChunkSize = 100, ChunkOverlap = 30 });
        chunks[1].StartOffset.ShouldBeLessThan(chunks[0].EndOffset);
        TokenCounter.Count(document.FullText()[chunks[1].StartOffset..chunks[0].EndOffset]).ShouldBe(30);
    }

    [Fact]
    public void Heading_aware_chunking_keeps_a_section_that_fits_whole_with_its_heading_path()
    {
        var document = new ParsedDocument
        {
            Format = DocumentFormat.Markdown,
            Units = [Heading("Guide", "Guide"), Heading("Install", "Guide", "Install"), Unit("Run make.", "Guide", "Install"), Unit("Then test.", "Guide", "Install"),
                Heading("Use", "Guide", "Use"), Unit("Call the API.", "Guide", "Use")],
        };
        var chunks = Chunker.Chunk(document, new ChunkingOptions { Strategy = ChunkingStrategy.HeadingAware });
        chunks.Select(c => c.Text).ShouldBe(["Guide\n\nInstall\n\nRun make.\n\nThen test.", "Use\n\nCall the API."]);
        chunks[0].HeadingPath.ShouldBe(["Guide", "Install"]);
        chunks[1].HeadingPath.ShouldBe(["Guide", "Use"]);
    }

    [Fact]
    public void A_large_table_is_cut_into_row_groups_that_each_repeat_the_header()
    {
        var rows = Enumerable.Range(0, 200).Select(i => (IReadOnlyList<string>)[$"item {i}", $"{i * 3}"]).ToList();
        var table = new ParsedTable(["Name", "Price"], rows);
        var document = new ParsedDocument { Format = DocumentFormat.Csv, Units = [new ParsedUnit { Text = MarkdownTable.Render(table), Kind = UnitKind.Table, Table = table }] };
        var chunks = Chunker.Chunk(document, new ChunkingOptions { Strategy = ChunkingStrategy.Recursive, ChunkSize = 100, ChunkOverlap = 0 });
        chunks.Count.ShouldBeGreaterThan(3);
        chunks.ShouldAllBe(c => c.Text.StartsWith("| Name | Price |\n| --- | --- |\n| item "));
        chunks.ShouldAllBe(c => c.TokenCount <= 100);
        string.Concat(chunks.Select(c => c.Text)).ShouldContain("| item 199 | 597 |");
    }

    [Fact]
    public void Qa_chunking_makes_one_chunk_per_question_and_answer_row()
    {
        var table = MarkdownTable.FromRows([["Question", "Answer"], ["How do I reset?", "Use the link."], ["退款多久到账？", "三个工作日。"]]);
        var document = new ParsedDocument { Format = DocumentFormat.Csv, Units = [new ParsedUnit { Text = MarkdownTable.Render(table), Kind = UnitKind.Table, Table = table }] };
        var chunks = Chunker.Chunk(document, new ChunkingOptions { Strategy = ChunkingStrategy.Qa });
        chunks.Select(c => c.Text).ShouldBe(["Q: How do I reset?\nA: Use the link.", "Q: 退款多久到账？\nA: 三个工作日。"]);
        chunks[1].Language.ShouldBe("zh");
    }

    [Fact]
    public void Qa_chunking_finds_marked_pairs_in_english_and_chinese_text()
    {
        var text = "Q: What is Portal?\nA: A knowledge base.\n\n问：支持中文吗？\n答：支持。\n\nQ: Is it free?\nA: No.";
        var document = new ParsedDocument { Format = DocumentFormat.PlainText, Units = [Unit(text)] };
        var chunks = Chunker.Chunk(document, new ChunkingOptions { Strategy = ChunkingStrategy.Qa });
        chunks.Select(c => c.Text).ShouldBe(["Q: What is Portal?\nA: A knowledge base.", "问：支持中文吗？\n答：支持。", "Q: Is it free?\nA: No."]);
    }

    [Fact]
    public void Qa_chunking_reads_json_lines()
    {
        var text = "{\"question\": \"Hours?\", \"answer\": \"9 to 5\"}\n{\"question\": \"Where?\", \"answer\": \"Online\"}";
        var chunks = Chunker.Chunk(new ParsedDocument { Format = DocumentFormat.PlainText, Units = [Unit(text)] }, new ChunkingOptions { Strategy = ChunkingStrategy.Qa });
        chunks.Select(c => c.Text).ShouldBe(["Q: Hours?\nA: 9 to 5", "Q: Where?\nA: Online"]);
    }

    [Fact]
    public void Chunking_is_deterministic()
    {
        var options = new ChunkingOptions { Strategy = ChunkingStrategy.Recursive, ChunkSize = 80, ChunkOverlap = 10 };
        JsonSerializer.Serialize(Chunker.Chunk(LongMixedDocument(), options))
            .ShouldBe(JsonSerializer.Serialize(Chunker.Chunk(LongMixedDocument(), options)));
    }

    [Fact]
    public void Each_chunk_carries_page_ocr_flag_language_and_content_hash()
    {
        var document = new ParsedDocument
        {
            Format = DocumentFormat.Pdf,
            Units = [Unit("Scanned words here.") with { Page = 3, IsOcr = true }],
        };
        var chunk = Chunker.Chunk(document, new ChunkingOptions()).Single();
        chunk.Page.ShouldBe(3);
        chunk.IsOcr.ShouldBeTrue();
        chunk.Language.ShouldBe("en");
        chunk.ContentHash.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("Scanned words here."))));
        chunk.SourceFormat.ShouldBe(DocumentFormat.Pdf);
    }

    [Fact]
    public void Chunking_options_round_trip_through_json_with_the_strategy_by_name()
    {
        var options = new ChunkingOptions { Strategy = ChunkingStrategy.Qa, ChunkSize = 300, ChunkOverlap = 0 };
        var json = JsonSerializer.Serialize(options);
        json.ShouldContain("\"Qa\"");
        JsonSerializer.Deserialize<ChunkingOptions>(json).ShouldBe(options);
    }

    [Fact]
    public void An_overlap_as_large_as_the_chunk_size_is_rejected() =>
        Should.Throw<System.ComponentModel.DataAnnotations.ValidationException>(() =>
            Chunker.Chunk(LongMixedDocument(), new ChunkingOptions { ChunkSize = 50, ChunkOverlap = 50 }));

    [Fact]
    public void An_empty_document_has_no_chunks() =>
        Chunker.Chunk(new ParsedDocument { Format = DocumentFormat.PlainText }, new ChunkingOptions()).ShouldBeEmpty();
}
