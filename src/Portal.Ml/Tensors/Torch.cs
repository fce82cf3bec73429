using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using TS = TorchSharp.torch;

namespace Portal.Ml;

/// <summary>Calls into TorchSharp, turning libtorch's errors into <see cref="TorchException"/>s.</summary>
internal static class Torch
{
    private static readonly ConcurrentDictionary<Device, TS.Device> Devices = new();

    internal static TS.Device DeviceOf(Device device) =>
        Devices.GetOrAdd(device, static d => d.type == DeviceType.CUDA ? new TS.Device(TorchSharp.DeviceType.CUDA, d.index) : TS.CPU);

    internal static TS.ScalarType TypeOf(ScalarType type) => (TS.ScalarType)(int)type;

    internal static Tensor Wrap(TS.Tensor native) => new(native);

    internal static TResult Call<TResult>(TS.Tensor a, Func<TS.Tensor, TResult> op)
    {
        try { return op(a); }
        catch (ExternalException e) { throw new TorchException(FirstLine(e.Message)); }
    }

    internal static Tensor Op(Tensor a, Func<TS.Tensor, TS.Tensor> op)
    {
        try { return new Tensor(op(a.Native)); }
        catch (ExternalException e) { throw new TorchException(FirstLine(e.Message)); }
    }

    internal static Tensor Op(Tensor a, Tensor b, Func<TS.Tensor, TS.Tensor, TS.Tensor> op)
    {
        try { return new Tensor(op(a.Native, b.Native)); }
        catch (ExternalException e) { throw new TorchException(FirstLine(e.Message)); }
    }

    internal static Tensor Op<TState>(Tensor a, TState state, Func<TS.Tensor, TState, TS.Tensor> op)
    {
        try { return new Tensor(op(a.Native, state)); }
        catch (ExternalException e) { throw new TorchException(FirstLine(e.Message)); }
    }

    internal static Tensor Create(Func<TS.Tensor> create)
    {
        try { return new Tensor(create()); }
        catch (ExternalException e) { throw new TorchException(FirstLine(e.Message)); }
    }

    internal static void Run(Action action)
    {
        try { action(); }
        catch (ExternalException e) { throw new TorchException(FirstLine(e.Message)); }
    }

    /// <summary>A scalar op that frees its native Scalar at once instead of leaving it to the finalizer.</summary>
    internal static Tensor Scalar(Tensor a, double value, Func<TS.Tensor, TorchSharp.Scalar, TS.Tensor> op)
    {
        using var scalar = (TorchSharp.Scalar)value;
        try { return new Tensor(op(a.Native, scalar)); }
        catch (ExternalException e) { throw new TorchException(FirstLine(e.Message)); }
    }

    // libtorch appends a C++ backtrace ("Exception raised from ...") after the message itself.
    private static string FirstLine(string message)
    {
        var cut = message.IndexOf("\nException raised from", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }
}
