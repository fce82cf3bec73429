using System.Collections.Concurrent;
using System.Net;
using Portal.Outbound;

namespace Portal.IntegrationTests.Outbound;

/// <summary>
/// Stands in for DNS: each name answers the addresses queued for it, one answer per lookup, the last one repeating.
/// Unknown names do not resolve. It records every lookup.
/// </summary>
internal sealed class TestResolver : IOutboundResolver
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<IPAddress[]>> _answers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, IPAddress[]> _last = new(StringComparer.OrdinalIgnoreCase);

    public ConcurrentQueue<string> Lookups { get; } = new();

    public void Answer(string name, params IPAddress[][] answers)
    {
        _answers[name] = new ConcurrentQueue<IPAddress[]>(answers);
        _last.TryRemove(name, out _);
    }

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
    {
        Lookups.Enqueue(host);
        if (_answers.TryGetValue(host, out var queue) && queue.TryDequeue(out var next)) _last[host] = next;
        return Task.FromResult(_last.TryGetValue(host, out var answer)
            ? answer
            : throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound));
    }
}
