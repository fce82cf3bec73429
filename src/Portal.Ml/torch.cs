using Portal.Ml.Interop;

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
    public static IDisposable no_grad() => new GradModeScope(enabled: false);

    public static IDisposable enable_grad() => new GradModeScope(enabled: true);

    /// <summary>Tensors the shim currently holds on behalf of .NET; a steady value means nothing leaks.</summary>
    public static long NativeLiveTensorCount => NativeMethods.pt_live_tensor_count();

    public static int TorchVersionMajor => NativeMethods.pt_torch_version_major();

    public static void manual_seed(long seed) => Native.Check(NativeMethods.pt_manual_seed(unchecked((ulong)seed)));

    public static void set_num_threads(int threads) => Native.Check(NativeMethods.pt_set_num_threads(threads));

    public static int get_num_threads() => NativeMethods.pt_get_num_threads();

    public static class cuda
    {
        public static bool is_available() => NativeMethods.pt_cuda_is_available() != 0;

        public static int device_count() => NativeMethods.pt_cuda_device_count();

        public static void synchronize(int device = -1) => Native.Check(NativeMethods.pt_cuda_synchronize(device));
    }

    private sealed class GradModeScope : IDisposable
    {
        private readonly int previous;
        private bool disposed;

        internal GradModeScope(bool enabled) => previous = NativeMethods.pt_set_grad_enabled(enabled ? 1 : 0);

        public void Dispose()
        {
            if (disposed)
                return;
            disposed = true;
            NativeMethods.pt_set_grad_enabled(previous);
        }
    }
}
