using Portal.Search.Evaluation;

namespace Portal.Tests.Search;

public sealed class RetrievalMetricsTests
{
    private static readonly IReadOnlySet<int> Relevant = new HashSet<int> { 3, 7 };

    [Fact]
    public void Recall_at_k_counts_the_relevant_ids_in_the_top_k()
    {
        RetrievalMetrics.RecallAt([1, 3, 5, 7], Relevant, 1).ShouldBe(0);
        RetrievalMetrics.RecallAt([1, 3, 5, 7], Relevant, 2).ShouldBe(0.5);
        RetrievalMetrics.RecallAt([1, 3, 5, 7], Relevant, 10).ShouldBe(1);
    }

    [Fact]
    public void Mrr_is_the_reciprocal_rank_of_the_first_relevant_id_within_k()
    {
        RetrievalMetrics.ReciprocalRankAt([1, 3, 7], Relevant, 10).ShouldBe(0.5);
        RetrievalMetrics.ReciprocalRankAt([1, 2, 7], Relevant, 2).ShouldBe(0);
    }

    [Fact]
    public void Ndcg_is_one_for_a_perfect_ranking_and_discounts_later_hits()
    {
        RetrievalMetrics.NdcgAt([3, 7, 1], Relevant, 10).ShouldBe(1, 1e-12);
        RetrievalMetrics.NdcgAt([1, 3, 7], Relevant, 10).ShouldBe((1 / Math.Log2(3) + 1 / Math.Log2(4)) / (1 + 1 / Math.Log2(3)), 1e-12);
        RetrievalMetrics.NdcgAt([3, 3, 3], Relevant, 10).ShouldBe(1 / (1 + 1 / Math.Log2(3)), 1e-12);
    }

    [Fact]
    public void Hit_at_k_is_one_when_anything_relevant_is_in_the_top_k() =>
        RetrievalMetrics.HitAt([9, 7], Relevant, 2).ShouldBe(1);

    [Fact]
    public void Eval_cases_are_read_from_json_lines()
    {
        var cases = RetrievalEvaluation.ReadJsonLines(new StringReader("""
            {"question": "q1", "relevantChunkIds": [1, 2]}

            {"question": "q2", "relevantDocumentIds": ["0197a000-0000-7000-8000-000000000001"]}
            """));
        cases.Count.ShouldBe(2);
        cases[0].RelevantChunkIds.ShouldBe([1L, 2L]);
        Should.Throw<FormatException>(() => RetrievalEvaluation.ReadJsonLines(new StringReader("""{"question": "no ids"}""")));
    }
}
