using Portal.Ml.Interop;

namespace Portal.Ml;

public static partial class torch
{
    private static Tensor Create(CreateKind kind, long[] size, double value, ScalarType? dtype, Device? device, bool requiresGrad)
    {
        var target = device ?? CPU;
        var result = Native.Check(NativeMethods.pt_create((int)kind, size, size.Length, value,
            (int)(dtype ?? ScalarType.Float32), (int)target.type, target.index));
        if (requiresGrad)
            result.requires_grad = true;
        return result;
    }

    public static Tensor zeros(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Create(CreateKind.Zeros, size, 0, dtype, device, requires_grad);

    public static Tensor ones(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Create(CreateKind.Ones, size, 0, dtype, device, requires_grad);

    public static Tensor randn(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Create(CreateKind.Randn, size, 0, dtype, device, requires_grad);

    public static Tensor rand(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Create(CreateKind.Rand, size, 0, dtype, device, requires_grad);

    public static Tensor empty(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Create(CreateKind.Empty, size, 0, dtype, device, requires_grad);

    public static Tensor full(long[] size, double value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Create(CreateKind.Full, size, value, dtype, device, requires_grad);

    /// <summary>Uniform integers in [0, high), int64 unless another dtype is given.</summary>
    public static Tensor randint(long high, long[] size, ScalarType? dtype = null, Device? device = null) =>
        Create(CreateKind.RandInt, size, high, dtype ?? ScalarType.Int64, device, requiresGrad: false);

    public static Tensor zeros_like(Tensor other) => Native.Check(NativeMethods.pt_like((int)CreateKind.Zeros, other.Handle, 0));

    public static Tensor ones_like(Tensor other) => Native.Check(NativeMethods.pt_like((int)CreateKind.Ones, other.Handle, 0));

    public static Tensor arange(double start, double end, double step = 1, ScalarType? dtype = null, Device? device = null)
    {
        var target = device ?? CPU;
        return Native.Check(NativeMethods.pt_arange(start, end, step, (int)(dtype ?? ScalarType.Int64), (int)target.type, target.index));
    }

    public static Tensor arange(long end, ScalarType? dtype = null, Device? device = null) => arange(0, end, 1, dtype, device);

    // Managed data is always copied into libtorch-owned memory: the GC may move or free the array, and
    // a pinned from_blob alias would tie every tensor's lifetime to a GCHandle. See ADR 0003.
    public static Tensor tensor(float[] values, long[]? shape = null) => FromSpan<float>(values, shape);
    public static Tensor tensor(double[] values, long[]? shape = null) => FromSpan<double>(values, shape);
    public static Tensor tensor(long[] values, long[]? shape = null) => FromSpan<long>(values, shape);
    public static Tensor tensor(bool[] values, long[]? shape = null) => FromSpan<bool>(values, shape);
    public static Tensor tensor(Half[] values, long[]? shape = null) => FromSpan<Half>(values, shape);

    public static Tensor tensor(double scalar, ScalarType dtype = ScalarType.Float32) => full([], scalar, dtype);

    private static Tensor FromSpan<T>(ReadOnlySpan<T> values, long[]? shape) where T : unmanaged =>
        from_bytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values), ScalarTypeSizes.Of<T>(), shape ?? [values.Length]);

    /// <summary>A tensor from raw little-endian element bytes (copied), e.g. bf16 data read from a file.</summary>
    public static unsafe Tensor from_bytes(ReadOnlySpan<byte> bytes, ScalarType dtype, long[] shape)
    {
        long elements = 1;
        foreach (var extent in shape)
            elements *= extent;
        if (elements * dtype.ElementSize() != bytes.Length)
            throw new ArgumentException($"{bytes.Length} bytes do not fill a {dtype} tensor of shape [{string.Join(", ", shape)}]", nameof(bytes));
        fixed (byte* pointer = bytes)
        {
            // from_blob rejects a null pointer even for zero elements.
            byte placeholder = 0;
            return Native.Check(NativeMethods.pt_from_data(bytes.IsEmpty ? &placeholder : pointer, shape, shape.Length, (int)dtype));
        }
    }
}
