using System.Runtime.InteropServices;
using TS = TorchSharp.torch;

namespace Portal.Ml;

/// <summary>
/// A TorchSharp tensor behind the engine's API. Native memory is released by <see cref="Dispose"/>, by the
/// enclosing <see cref="DisposeScope"/>, or at the latest by TorchSharp's finalizer.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private static long live;
    private int disposed;

    internal Tensor(TS.Tensor native)
    {
        Native = native;
        Interlocked.Increment(ref live);
        DisposeScope.Current?.Attach(this);
    }

    /// <summary>The TorchSharp tensor. Replaced only by an in-place move (<see cref="MoveInPlace"/>), so a parameter keeps its identity.</summary>
    internal TS.Tensor Native { get; private set; }

    internal static long LiveCount => Interlocked.Read(ref live);

    internal DisposeScope? OwningScope { get; set; }

    public bool IsDisposed => Volatile.Read(ref disposed) != 0;

    public long[] shape => Native.shape;

    public long size(int dimension) => Native.size(dimension);

    public int dim() => (int)Native.dim();

    public long numel() => Native.numel();

    public ScalarType dtype => (ScalarType)(int)Native.dtype;

    public Device device => Native.device_type == TorchSharp.DeviceType.CUDA
        ? new Device(DeviceType.CUDA, Native.device_index)
        : torch.CPU;

    public bool requires_grad
    {
        get => Native.requires_grad;
        set => Torch.Run(() => Native.requires_grad = value);
    }

    public Tensor requires_grad_(bool requires = true)
    {
        requires_grad = requires;
        return this;
    }

    /// <summary>The accumulated gradient, or null before the first backward pass (a new handle each call).</summary>
    public Tensor? grad => Native.grad is { } gradient ? new Tensor(gradient) : null;

    public void backward() => Torch.Run(Native.backward);

    public double ToDouble() => Torch.Call(Native, static t =>
    {
        if (t.dtype == TS.ScalarType.Float64)
            return t.item<double>();
        using var wide = t.to_type(TS.ScalarType.Float64);
        return wide.item<double>();
    });

    public T item<T>() where T : unmanaged, IConvertible =>
        (T)Convert.ChangeType(ToDouble(), typeof(T), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Copies the elements out (moving to CPU and making contiguous first). TorchSharp: <c>data&lt;T&gt;().ToArray()</c>.</summary>
    public T[] data<T>() where T : unmanaged
    {
        if (ScalarTypeSizes.Of<T>() != dtype)
            throw new InvalidOperationException($"tensor is {dtype}, not {typeof(T).Name}; convert with to(...) first");
        var result = new T[numel()];
        CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
        return result;
    }

    /// <summary>Raw little-endian element bytes, whatever the dtype (used by safetensors).</summary>
    public void CopyTo(Span<byte> destination)
    {
        if (destination.Length != ByteCount)
            throw new TorchException("copy_out: destination size does not match the tensor");
        using var detached = Native.detach();
        using var onCpu = detached.to(TS.CPU, copy: false);
        using var contiguous = onCpu.contiguous();
        contiguous.bytes.CopyTo(destination);
    }

    /// <summary>Overwrites the elements from raw bytes in this tensor's dtype, without recording autograd.</summary>
    public void CopyFrom(ReadOnlySpan<byte> source)
    {
        if (source.Length != ByteCount)
            throw new TorchException("copy_in: source size does not match the tensor");
        using var staging = TS.empty(Native.shape, Native.dtype);
        source.CopyTo(staging.bytes);
        using (TS.no_grad())
            Native.copy_(staging).Dispose();
    }

    public long ByteCount => numel() * dtype.ElementSize();

    public Tensor MoveToOuterDisposeScope()
    {
        OwningScope?.MoveToOuter(this);
        return this;
    }

    public Tensor DetachFromDisposeScope()
    {
        OwningScope = null;
        return this;
    }

    /// <summary>Moves or casts the storage under this same object (libtorch's <c>set_data</c>), keeping requires_grad.</summary>
    internal void MoveInPlace(ScalarType? type, Device? target)
    {
        var requiresGrad = Native.requires_grad;
        TS.Tensor moved;
        using (TS.no_grad())
            moved = Torch.Call(Native, t => t.to(type is null ? t.dtype : (TS.ScalarType)(int)type.Value, Torch.DeviceOf(target ?? device)).detach());
        if (requiresGrad)
            moved.requires_grad = true;
        var previous = Native;
        Native = moved;
        previous.Dispose();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
            return;
        Interlocked.Decrement(ref live);
        Native.Dispose();
    }

    public override string ToString() => $"Tensor[{string.Join(", ", shape)}] {dtype} {device}";
}
