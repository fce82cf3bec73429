using System.Text;
using Portal.Curation;

namespace Portal.Tests.Curation;

public sealed class QaImportParserTests
{
    [Fact]
    public void Jsonl_rows_in_all_three_shapes_become_question_answer_pairs()
    {
        var (rows, rejected) = Parse("""
            {"question": "What is PTO?", "answer": "Paid time off."}
            {"instruction": "Translate", "input": "bonjour", "output": "hello"}
            {"instruction": "Name the capital of France", "input": "", "output": "Paris"}
            {"query": "reset password", "pos": ["Use the reset link."], "neg": ["Call sales."]}
            """);
        rejected.ShouldBeEmpty();
        rows.Select(r => (r.Question, r.Answer)).ShouldBe([
            ("What is PTO?", "Paid time off."), ("Translate\nbonjour", "hello"), ("Name the capital of France", "Paris"),
            ("reset password", "Use the reset link.")]);
        rows.Select(r => r.Line).ShouldBe([1, 2, 3, 4]);
    }

    [Fact]
    public void Csv_with_a_header_quoted_commas_and_line_breaks_is_read()
    {
        var (rows, rejected) = Parse("question,answer\r\n\"Hours, please?\",\"Nine to five.\nClosed Sundays.\"\r\nPlain?,Yes \"really\"\r\n");
        rejected.ShouldBeEmpty();
        rows.Select(r => (r.Line, r.Question, r.Answer)).ShouldBe([(2, "Hours, please?", "Nine to five.\nClosed Sundays."), (4, "Plain?", "Yes \"really\"")]);
        Parse("instruction,input,output\nSay hi,,hi\n").Rows.Single().Question.ShouldBe("Say hi");
        Parse("query,pos,neg\nq1,p1,n1\n").Rows.Single().Answer.ShouldBe("p1");
    }

    [Fact]
    public void Bad_rows_are_rejected_with_their_line_and_reason_and_the_rest_are_kept()
    {
        var content = new List<byte>();
        content.AddRange(Encoding.UTF8.GetBytes("{\"question\": \"ok\", \"answer\": \"fine\"}\n"));
        content.AddRange([0x7B, 0xFF, 0xFE, 0x7D, 0x0A]);
        content.AddRange(Encoding.UTF8.GetBytes("{\"question\": 42, \"answer\": \"x\"}\n"));
        content.AddRange(Encoding.UTF8.GetBytes("{\"question\": \"" + new string('q', 70_000) + "\", \"answer\": \"x\"}\n"));
        content.AddRange(Encoding.UTF8.GetBytes("not json\n[1, 2]\n{\"question\": \"no answer\"}\n{\"foo\": 1}\n"));
        var (rows, rejected) = QaImportParser.Parse(content.ToArray());
        rows.Single().Question.ShouldBe("ok");
        rejected.Select(r => r.Line).ShouldBe([2, 3, 4, 5, 6, 7, 8]);
        rejected[0].Reason.ShouldContain("UTF-8");
        rejected[1].Reason.ShouldContain("'question' must be a string");
        rejected[2].Reason.ShouldContain("longer than");
        rejected[5].Reason.ShouldContain("answer is empty");
    }

    [Fact]
    public void A_csv_without_a_usable_header_is_refused_as_a_whole() =>
        Should.Throw<PortalException>(() => Parse("q,a\nwhat,that\n")).Message.ShouldContain("header");

    private static (List<QaImportRow> Rows, List<QaImportRejection> Rejected) Parse(string text) =>
        QaImportParser.Parse(Encoding.UTF8.GetBytes(text));
}
