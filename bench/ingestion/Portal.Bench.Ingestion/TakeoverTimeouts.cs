using System.Globalization;

namespace Portal.Bench.Ingestion;

/// <summary>
/// The settings a takeover waits on, given to every worker node of a row. A document of a dead node is claimable once
/// its lease is <see cref="Lease"/> old and is claimed at the next dispatch poll; any other job is fetched again once
/// its invisibility lapses, at the next queue poll.
/// </summary>
internal sealed record TakeoverTimeouts(string Name, TimeSpan Lease, TimeSpan Dispatch, TimeSpan Invisibility, TimeSpan Poll)
{
    public TimeSpan DocumentBound => Lease + Dispatch;

    public TimeSpan JobBound => Invisibility + Poll;

    public Dictionary<string, string> Settings => new()
    {
        ["Ingestion__Jobs__LeaseTimeout"] = Lease.ToString("c", CultureInfo.InvariantCulture),
        ["Ingestion__Jobs__DispatchInterval"] = Dispatch.ToString("c", CultureInfo.InvariantCulture),
        ["Jobs__InvisibilityTimeout"] = Invisibility.ToString("c", CultureInfo.InvariantCulture),
        ["Jobs__PollInterval"] = Poll.ToString("c", CultureInfo.InvariantCulture),
    };

    public string Describe() => FormattableString.Invariant(
        $"{Name}: Ingestion:Jobs:LeaseTimeout {Lease.TotalSeconds} s + DispatchInterval {Dispatch.TotalSeconds} s = document bound {DocumentBound.TotalSeconds} s; ")
        + FormattableString.Invariant(
        $"Jobs:InvisibilityTimeout {Invisibility.TotalSeconds} s + PollInterval {Poll.TotalSeconds} s = job bound {JobBound.TotalSeconds} s");
}
