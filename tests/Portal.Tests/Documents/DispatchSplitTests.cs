using Portal.Web.Features.Documents.Ingestion;

namespace Portal.Tests.Documents;

public sealed class DispatchSplitTests
{
    private static List<IngestionWork> Claimed(int count) =>
        [.. Enumerable.Range(0, count).Select(_ => new IngestionWork(Guid.NewGuid(), Guid.NewGuid(), 1))];

    [Fact]
    public void Claimed_documents_are_dealt_round_robin_to_one_job_per_ingestion_thread()
    {
        var claimed = Claimed(12);
        var jobs = QueuedDocumentDispatch.Split(claimed, new IngestionJobOptions { MaxConcurrency = 2, DocumentsPerJob = 8 });

        jobs.Count.ShouldBe(2);
        jobs[0].ShouldBe([claimed[0], claimed[2], claimed[4], claimed[6], claimed[8], claimed[10]]);
        jobs[1].ShouldBe([claimed[1], claimed[3], claimed[5], claimed[7], claimed[9], claimed[11]]);
    }

    [Fact]
    public void No_job_carries_more_than_documents_per_job()
    {
        var claimed = Claimed(50);
        var jobs = QueuedDocumentDispatch.Split(claimed, new IngestionJobOptions { MaxConcurrency = 2, DocumentsPerJob = 8 });

        jobs.Count.ShouldBe(7);
        jobs.ShouldAllBe(j => j.Count <= 8);
        jobs.SelectMany(j => j).OrderBy(w => w.DocumentId).ShouldBe(claimed.OrderBy(w => w.DocumentId));
    }

    [Fact]
    public void Fewer_documents_than_threads_get_a_job_each()
    {
        var claimed = Claimed(1);
        QueuedDocumentDispatch.Split(claimed, new IngestionJobOptions { MaxConcurrency = 4 }).ShouldBe([[claimed[0]]]);
        QueuedDocumentDispatch.Split([], new IngestionJobOptions()).ShouldBeEmpty();
    }
}
