namespace Portal.Web.Components.Shared;

/// <summary>
/// Coalesces bursts of live events into at most one refresh per <c>interval</c>: a page that receives fifty status
/// changes in a second re-reads and re-renders a few times, not fifty.
/// </summary>
internal sealed class ThrottledRefresh(Func<Task> refresh, TimeSpan interval) : IDisposable
{
    private int _scheduled;
    private volatile bool _disposed;

    public void Request()
    {
        if (_disposed || Interlocked.Exchange(ref _scheduled, 1) == 1) return;
        _ = RunAsync();
    }

    private async Task RunAsync()
    {
        await Task.Delay(interval);
        Interlocked.Exchange(ref _scheduled, 0);
        if (!_disposed) await refresh();
    }

    public void Dispose() => _disposed = true;
}
