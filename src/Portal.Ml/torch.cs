using TS = TorchSharp.torch;

namespace Portal.Ml;

/// <summary>Entry point mirroring TorchSharp's <c>torch</c> class: creation, runtime switches and free functions.</summary>
public static partial class torch
{
    public const ScalarType float32 = ScalarType.Float32;
    public const ScalarType float16 = ScalarType.Float16;
    public const ScalarType bfloat16 = ScalarType.BFloat16;
    public const ScalarType float64 = ScalarType.Float64;
    public const ScalarType int64 = ScalarType.Int64;
    public const ScalarType @bool = ScalarType.Bool;

    public static readonly Device CPU = new(DeviceType.CPU);
    public static readonly Device CUDA = new(DeviceType.CUDA, 0);

    public static DisposeScope NewDisposeScope() => new();

    /// <summary>Disables gradient recording on this thread until disposed (TorchSharp: <c>torch.no_grad()</c>).</summary>
    public static IDisposable no_grad() => TS.no_grad();

    public static IDisposable enable_grad() => TS.enable_grad();

    /// <summary>Tensors the engine currently holds (created and not yet disposed); a steady value means nothing leaks.</summary>
    public static long NativeLiveTensorCount => Tensor.LiveCount;

    /// <summary>libtorch's major version (TorchSharp 0.107 ships libtorch 2.10).</summary>
    public static int TorchVersionMajor => int.Parse(TS.__version__.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture);

    public static void manual_seed(long seed) => TS.manual_seed(seed);

    public static void set_num_threads(int threads) => TS.set_num_threads(threads);

    public static int get_num_threads() => TS.get_num_threads();

    public static class cuda
    {
        public static bool is_available() => TS.cuda.is_available();

        public static int device_count() => TS.cuda.device_count();

        public static void synchronize(int device = -1) =>
            TS.cuda.synchronize(device < 0 ? null : Torch.DeviceOf(new Device(DeviceType.CUDA, device)));
    }
}
