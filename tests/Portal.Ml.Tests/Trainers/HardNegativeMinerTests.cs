using Portal.Ml.Training.Embeddings;

namespace Portal.Ml.Tests.Trainers;

public sealed class HardNegativeMinerTests
{
    private static IReadOnlyList<string> Ranked(params string[] texts) => texts;

    [Fact]
    public void Chunks_that_hold_or_are_part_of_a_positive_are_not_negatives_and_rank_1_is_skipped()
    {
        const string positive = "Refunds are paid within 14 days of the return.";
        var example = new ContrastiveExample("when is my refund paid?", [positive], []);
        var ranked = Ranked(
            "Shipping takes three days.",                                         // rank 1: skipped
            "Returns.  Refunds are paid within 14 days of the return.  Thanks.",  // contains the positive
            "Refunds are paid within 14 days",                                    // part of the positive
            "Refunds  are paid within 14 days of the return.",                    // the positive up to whitespace
            "Exchanges are free.",
            "Vouchers never expire.");

        var mined = new HardNegativeMiner(PerQuery: 10).Mine([example], (_, _) => ranked).Single();

        mined.Negatives.Order(StringComparer.Ordinal).ShouldBe(["Exchanges are free.", "Vouchers never expire."]);
    }

    [Fact]
    public void A_short_positive_rules_out_only_the_chunk_equal_to_it()
    {
        var example = new ContrastiveExample("refund?", ["Refund"], []);
        var ranked = Ranked("Shipping takes three days.", "Refund", "Refund policy for damaged goods", "Exchanges are free.");

        var mined = new HardNegativeMiner(PerQuery: 10).Mine([example], (_, _) => ranked).Single();

        mined.Negatives.Order(StringComparer.Ordinal).ShouldBe(["Exchanges are free.", "Refund policy for damaged goods"]);
    }
}
