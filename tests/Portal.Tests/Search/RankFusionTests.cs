using Portal.Search;
using Portal.Search.Fusion;

namespace Portal.Tests.Search;

public sealed class RankFusionTests
{
    private static List<LegHit> Leg(params long[] ids) => ids.Select((id, i) => new LegHit(id, i + 1, 1.0 / (i + 1), [])).ToList();

    [Fact]
    public void Rrf_sums_reciprocal_ranks_of_both_legs()
    {
        var fused = RankFusion.Reciprocal(Leg(1, 2), Leg(2, 3), 60);
        fused[0].ChunkId.ShouldBe(2);
        fused[0].Score.ShouldBe(1.0 / 62 + 1.0 / 61, 1e-12);
        fused[0].VectorRank.ShouldBe(2);
        fused[0].KeywordRank.ShouldBe(1);
    }

    [Fact]
    public void Rrf_vector_weight_moves_trust_from_one_leg_to_the_other()
    {
        // 1 leads the vector leg and 2 the keyword leg: the lower the vector weight, the more the keyword leg decides.
        RankFusion.Reciprocal(Leg(1, 2), Leg(2, 1), 60, vectorWeight: 0.2).Select(h => h.ChunkId).ShouldBe([2, 1]);
        RankFusion.Reciprocal(Leg(1, 2), Leg(2, 1), 60, vectorWeight: 0.8).Select(h => h.ChunkId).ShouldBe([1, 2]);
        RankFusion.Reciprocal(Leg(1), Leg(2), 10, vectorWeight: 0.25)[0].Score.ShouldBe(2 * 0.75 / 11, 1e-12);
    }

    [Fact]
    public void Fusion_breaks_ties_by_chunk_id()
    {
        // 7 is first in one leg and 3 first in the other: equal RRF scores, so the lower id wins.
        RankFusion.Reciprocal(Leg(7), Leg(3), 60).Select(h => h.ChunkId).ShouldBe([3, 7]);
        RankFusion.Weighted(Leg(7), Leg(3), 0.5).Select(h => h.ChunkId).ShouldBe([3, 7]);
    }

    [Fact]
    public void Fusion_is_deterministic_whatever_the_input_order()
    {
        var v = Leg(5, 9, 1, 4);
        var k = Leg(4, 8, 5);
        var once = RankFusion.Reciprocal(v, k, 60).Select(h => h.ChunkId).ToList();
        RankFusion.Reciprocal(v.AsEnumerable().Reverse().ToList(), k.AsEnumerable().Reverse().ToList(), 60).Select(h => h.ChunkId).ShouldBe(once);
    }

    [Fact]
    public void Weighted_fusion_normalises_each_leg_to_the_unit_interval()
    {
        var vector = new List<LegHit> { new(1, 1, 0.9, []), new(2, 2, 0.5, []) };
        var keyword = new List<LegHit> { new(2, 1, 30, []), new(3, 2, 10, []) };
        var fused = RankFusion.Weighted(vector, keyword, 0.25).ToDictionary(h => h.ChunkId, h => h.Score);
        fused[1].ShouldBe(0.25, 1e-12);
        fused[2].ShouldBe(0.75, 1e-12);
        fused[3].ShouldBe(0, 1e-12);
    }

    [Fact]
    public void Mmr_prefers_a_diverse_second_result()
    {
        float[] a = [1, 0], aNear = [0.99f, 0.14f], b = [0, 1];
        Diversity.Mmr([1.0, 0.95, 0.9], [a, aNear, b], 0.5, 2).ShouldBe([0, 2]);
        Diversity.Mmr([1.0, 0.95, 0.9], [a, aNear, b], 1.0, 2).ShouldBe([0, 1]);
    }
}
