namespace Portal.Ml.Serving;

/// <summary>
/// Which adapter the current request runs with. It is an <see cref="AsyncLocal{T}"/>, so it follows
/// the request through awaits and into <see cref="Task.Run(Action)"/>, and two requests on different
/// threads never see each other's choice. Null means the bare base model.
/// </summary>
public static class AdapterScope
{
    private static readonly AsyncLocal<LoadedAdapter?> current = new();

    public static LoadedAdapter? Current => current.Value;

    public static IDisposable Use(LoadedAdapter? adapter)
    {
        var previous = current.Value;
        current.Value = adapter;
        return new Restore(previous);
    }

    private sealed class Restore(LoadedAdapter? previous) : IDisposable
    {
        private bool disposed;

        public void Dispose()
        {
            if (disposed)
                return;
            disposed = true;
            current.Value = previous;
        }
    }
}
