namespace Portal.Ml;

/// <summary>
/// Collects every tensor created on this thread while it is the innermost scope and frees them
/// when disposed, like TorchSharp's DisposeScope. Keep a result with
/// <see cref="Tensor.MoveToOuterDisposeScope"/> or <see cref="Tensor.DetachFromDisposeScope"/>.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? innermost;

    private readonly DisposeScope? outer;
    private readonly List<Tensor> tensors = [];
    private bool disposed;

    internal DisposeScope()
    {
        outer = innermost;
        innermost = this;
    }

    internal static DisposeScope? Current => innermost;

    internal void Attach(Tensor tensor)
    {
        tensor.OwningScope = this;
        tensors.Add(tensor);
    }

    internal void MoveToOuter(Tensor tensor)
    {
        if (tensor.OwningScope != this)
            return;
        tensor.OwningScope = null;
        outer?.Attach(tensor);
    }

    public void Dispose()
    {
        if (disposed)
            return;
        disposed = true;
        if (innermost == this)
            innermost = outer;
        foreach (var tensor in tensors)
            if (tensor.OwningScope == this)
                tensor.Dispose();
        tensors.Clear();
    }
}
