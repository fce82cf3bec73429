using TS = TorchSharp.torch;

namespace Portal.Ml;

public static partial class torch
{
    private static TS.ScalarType TypeOr(ScalarType? dtype, ScalarType fallback = ScalarType.Float32) => Torch.TypeOf(dtype ?? fallback);

    private static TS.Device DeviceOr(Device? device) => Torch.DeviceOf(device ?? CPU);

    public static Tensor zeros(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Torch.Create(() => TS.zeros(size, TypeOr(dtype), DeviceOr(device), requires_grad));

    public static Tensor ones(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Torch.Create(() => TS.ones(size, TypeOr(dtype), DeviceOr(device), requires_grad));

    public static Tensor randn(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Torch.Create(() => TS.randn(size, TypeOr(dtype), DeviceOr(device), requires_grad));

    public static Tensor rand(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Torch.Create(() => TS.rand(size, TypeOr(dtype), DeviceOr(device), requires_grad));

    public static Tensor empty(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Torch.Create(() => TS.empty(size, TypeOr(dtype), DeviceOr(device), requires_grad));

    public static Tensor full(long[] size, double value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Torch.Create(() =>
        {
            using var scalar = (TorchSharp.Scalar)value;
            return TS.full(size, scalar, TypeOr(dtype), DeviceOr(device), requires_grad);
        });

    /// <summary>Uniform integers in [0, high), int64 unless another dtype is given.</summary>
    public static Tensor randint(long high, long[] size, ScalarType? dtype = null, Device? device = null) =>
        Torch.Create(() => TS.randint(high, size, TypeOr(dtype, ScalarType.Int64), DeviceOr(device)));

    public static Tensor zeros_like(Tensor other) => Torch.Op(other, static t => TS.zeros_like(t));

    public static Tensor ones_like(Tensor other) => Torch.Op(other, static t => TS.ones_like(t));

    public static Tensor arange(double start, double end, double step = 1, ScalarType? dtype = null, Device? device = null) =>
        Torch.Create(() =>
        {
            using var from = (TorchSharp.Scalar)start;
            using var to = (TorchSharp.Scalar)end;
            using var by = (TorchSharp.Scalar)step;
            return TS.arange(from, to, by, TypeOr(dtype, ScalarType.Int64), DeviceOr(device));
        });

    public static Tensor arange(long end, ScalarType? dtype = null, Device? device = null) => arange(0, end, 1, dtype, device);

    // Managed data is always copied into libtorch-owned memory: the GC may move or free the array, and
    // a pinned alias would tie every tensor's lifetime to a GCHandle.
    public static Tensor tensor(float[] values, long[]? shape = null) => FromSpan<float>(values, shape);
    public static Tensor tensor(double[] values, long[]? shape = null) => FromSpan<double>(values, shape);
    public static Tensor tensor(long[] values, long[]? shape = null) => FromSpan<long>(values, shape);
    public static Tensor tensor(bool[] values, long[]? shape = null) => FromSpan<bool>(values, shape);
    public static Tensor tensor(Half[] values, long[]? shape = null) => FromSpan<Half>(values, shape);

    public static Tensor tensor(double scalar, ScalarType dtype = ScalarType.Float32) => full([], scalar, dtype);

    private static Tensor FromSpan<T>(ReadOnlySpan<T> values, long[]? shape) where T : unmanaged =>
        from_bytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values), ScalarTypeSizes.Of<T>(), shape ?? [values.Length]);

    /// <summary>A tensor from raw little-endian element bytes (copied), e.g. bf16 data read from a file.</summary>
    public static Tensor from_bytes(ReadOnlySpan<byte> bytes, ScalarType dtype, long[] shape)
    {
        long elements = 1;
        foreach (var extent in shape)
            elements *= extent;
        if (elements * dtype.ElementSize() != bytes.Length)
            throw new ArgumentException($"{bytes.Length} bytes do not fill a {dtype} tensor of shape [{string.Join(", ", shape)}]", nameof(bytes));
        var result = TS.empty(shape, Torch.TypeOf(dtype));
        if (!bytes.IsEmpty)
            bytes.CopyTo(result.bytes);
        return new Tensor(result);
    }
}
