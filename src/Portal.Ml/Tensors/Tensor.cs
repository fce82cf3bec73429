using System.Runtime.InteropServices;
using Portal.Ml.Interop;

namespace Portal.Ml;

/// <summary>
/// A libtorch tensor. Native memory is released by <see cref="Dispose"/>, by the enclosing
/// <see cref="DisposeScope"/>, or at the latest by the finalizer of its handle.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    internal Tensor(nint native)
    {
        Handle = new TensorHandle(native);
        DisposeScope.Current?.Attach(this);
    }

    internal TensorHandle Handle { get; }

    internal DisposeScope? OwningScope { get; set; }

    public bool IsDisposed => Handle.IsClosed;

    public long[] shape
    {
        get
        {
            var result = new long[NativeMethods.pt_dim(Handle)];
            NativeMethods.pt_shape(Handle, result);
            return result;
        }
    }

    public long size(int dimension) => shape[dimension < 0 ? dimension + dim() : dimension];

    public int dim() => NativeMethods.pt_dim(Handle);

    public long numel() => NativeMethods.pt_numel(Handle);

    public ScalarType dtype => (ScalarType)NativeMethods.pt_dtype(Handle);

    public Device device => NativeMethods.pt_device_type(Handle) == 1
        ? new Device(DeviceType.CUDA, NativeMethods.pt_device_index(Handle))
        : new Device(DeviceType.CPU);

    public bool requires_grad
    {
        get => NativeMethods.pt_requires_grad(Handle) != 0;
        set => Native.Check(NativeMethods.pt_set_requires_grad(Handle, value ? 1 : 0));
    }

    public Tensor requires_grad_(bool requires = true)
    {
        requires_grad = requires;
        return this;
    }

    /// <summary>The accumulated gradient, or null before the first backward pass (a new handle each call).</summary>
    public Tensor? grad
    {
        get
        {
            var native = NativeMethods.pt_grad(Handle);
            if (native != 0)
                return new Tensor(native);
            var error = Native.LastError();
            return error.Length == 0 ? null : throw new TorchException(error);
        }
    }

    public void backward() => Native.Check(NativeMethods.pt_backward(Handle));

    public double ToDouble()
    {
        Native.Check(NativeMethods.pt_item(Handle, out var value));
        return value;
    }

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
    public unsafe void CopyTo(Span<byte> destination)
    {
        fixed (byte* pointer = destination)
            Native.Check(NativeMethods.pt_copy_out(Handle, pointer, destination.Length));
    }

    /// <summary>Overwrites the elements from raw bytes in this tensor's dtype, without recording autograd.</summary>
    public unsafe void CopyFrom(ReadOnlySpan<byte> source)
    {
        fixed (byte* pointer = source)
            Native.Check(NativeMethods.pt_copy_in(Handle, pointer, source.Length));
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

    public void Dispose() => Handle.Dispose();

    public override string ToString() => $"Tensor[{string.Join(", ", shape)}] {dtype} {device}";
}
