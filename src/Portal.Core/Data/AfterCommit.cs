namespace Portal.Data;

/// <summary>
/// Work an operation wants done once its tenant transaction has committed, such as enqueueing a job that must see the
/// operation's rows. The scope that owns the transaction runs it (for HTTP requests, <c>TenantScope</c>); work added
/// to an operation that never commits is dropped with it.
/// </summary>
internal sealed class AfterCommit
{
    private readonly List<Action> _actions = [];

    public void Add(Action action) => _actions.Add(action);

    /// <summary>Runs and forgets what was added; called after the commit.</summary>
    public void Run()
    {
        var actions = _actions.ToArray();
        _actions.Clear();
        foreach (var action in actions) action();
    }
}
