using System.Runtime.InteropServices;

namespace Portal.Ml.Interop;

/// <summary>The C surface of native/portal_torch.h. Tensor results are raw pointers; <see cref="Native"/> checks them.</summary>
internal static partial class NativeMethods
{
    private const string Lib = NativeLibraryLocator.LibraryName;

    static NativeMethods() => NativeLibraryLocator.Register();

    [LibraryImport(Lib)] internal static partial nint pt_last_error();
    [LibraryImport(Lib)] internal static partial long pt_live_tensor_count();
    [LibraryImport(Lib)] internal static partial void pt_free(nint t);

    [LibraryImport(Lib)] internal static partial int pt_manual_seed(ulong seed);
    [LibraryImport(Lib)] internal static partial int pt_set_num_threads(int n);
    [LibraryImport(Lib)] internal static partial int pt_get_num_threads();
    [LibraryImport(Lib)] internal static partial int pt_cuda_is_available();
    [LibraryImport(Lib)] internal static partial int pt_cuda_device_count();
    [LibraryImport(Lib)] internal static partial int pt_cuda_synchronize(int deviceIndex);
    [LibraryImport(Lib)] internal static partial int pt_set_grad_enabled(int enabled);
    [LibraryImport(Lib)] internal static partial int pt_torch_version_major();

    [LibraryImport(Lib)] internal static unsafe partial nint pt_from_data(void* data, long[] shape, int ndim, int dtype);
    [LibraryImport(Lib)] internal static partial nint pt_create(int kind, long[] shape, int ndim, double value, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(Lib)] internal static partial nint pt_arange(double start, double end, double step, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(Lib)] internal static partial nint pt_like(int kind, TensorHandle t, double value);

    [LibraryImport(Lib)] internal static partial int pt_dim(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int pt_shape(TensorHandle t, [Out] long[] shape);
    [LibraryImport(Lib)] internal static partial int pt_dtype(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int pt_device_type(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int pt_device_index(TensorHandle t);
    [LibraryImport(Lib)] internal static partial long pt_numel(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int pt_item(TensorHandle t, out double value);
    [LibraryImport(Lib)] internal static unsafe partial int pt_copy_out(TensorHandle t, void* destination, long bytes);
    [LibraryImport(Lib)] internal static unsafe partial int pt_copy_in(TensorHandle t, void* source, long bytes);

    [LibraryImport(Lib)] internal static partial nint pt_unary(int op, TensorHandle t);
    [LibraryImport(Lib)] internal static partial nint pt_binary(int op, TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial nint pt_scalar_op(int op, TensorHandle t, double scalar);
    [LibraryImport(Lib)] internal static partial nint pt_reduce(int op, TensorHandle t, long[] dims, int ndims, int keepdim);
    [LibraryImport(Lib)] internal static partial nint pt_softmax(TensorHandle t, long dim, int log);
    [LibraryImport(Lib)] internal static partial nint pt_gelu(TensorHandle t, int tanhApproximation);
    [LibraryImport(Lib)] internal static partial nint pt_cross_entropy(TensorHandle logits, TensorHandle targets, long ignoreIndex, int reduction);
    [LibraryImport(Lib)] internal static partial nint pt_layer_norm(TensorHandle x, long normalizedDims, TensorHandle weight, TensorHandle bias, double eps);
    [LibraryImport(Lib)] internal static partial nint pt_embedding(TensorHandle weight, TensorHandle indices);
    [LibraryImport(Lib)] internal static partial nint pt_dropout(TensorHandle x, double p, int train);
    [LibraryImport(Lib)] internal static partial nint pt_linear(TensorHandle x, TensorHandle weight, TensorHandle bias);

    [LibraryImport(Lib)] internal static partial nint pt_reshape(TensorHandle t, long[] shape, int ndim, int view);
    [LibraryImport(Lib)] internal static partial nint pt_expand(TensorHandle t, long[] shape, int ndim);
    [LibraryImport(Lib)] internal static partial nint pt_permute(TensorHandle t, long[] dims, int ndim);
    [LibraryImport(Lib)] internal static partial nint pt_transpose(TensorHandle t, long d0, long d1);
    [LibraryImport(Lib)] internal static partial nint pt_unsqueeze(TensorHandle t, long dim);
    [LibraryImport(Lib)] internal static partial nint pt_squeeze(TensorHandle t, long dim);
    [LibraryImport(Lib)] internal static partial nint pt_narrow(TensorHandle t, long dim, long start, long length);
    [LibraryImport(Lib)] internal static partial nint pt_cat(nint[] tensors, int n, long dim);
    [LibraryImport(Lib)] internal static partial nint pt_index_select(TensorHandle t, long dim, TensorHandle index);
    [LibraryImport(Lib)] internal static partial nint pt_gather(TensorHandle t, long dim, TensorHandle index);
    [LibraryImport(Lib)] internal static partial nint pt_masked_fill(TensorHandle t, TensorHandle mask, double value);
    [LibraryImport(Lib)] internal static partial nint pt_triangle(TensorHandle t, long diagonal, int upper);
    [LibraryImport(Lib)] internal static partial nint pt_where(TensorHandle condition, TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial int pt_topk(TensorHandle t, long k, long dim, int largest, out nint values, out nint indices);
    [LibraryImport(Lib)] internal static partial nint pt_argmax(TensorHandle t, long dim, int keepdim);
    [LibraryImport(Lib)] internal static partial nint pt_multinomial(TensorHandle probabilities, long samples, int replacement);
    [LibraryImport(Lib)] internal static partial nint pt_to_dtype(TensorHandle t, int dtype);
    [LibraryImport(Lib)] internal static partial nint pt_to_device(TensorHandle t, int deviceType, int deviceIndex);

    [LibraryImport(Lib)] internal static partial int pt_set_requires_grad(TensorHandle t, int requires);
    [LibraryImport(Lib)] internal static partial int pt_requires_grad(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int pt_backward(TensorHandle t);
    [LibraryImport(Lib)] internal static partial nint pt_grad(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int pt_zero_grad(nint[] parameters, int n);

    [LibraryImport(Lib)] internal static partial int pt_inplace(int op, TensorHandle t, double a, double b);
    [LibraryImport(Lib)] internal static partial int pt_copy_from(TensorHandle destination, TensorHandle source);
    [LibraryImport(Lib)] internal static partial int pt_move_in_place(TensorHandle t, int dtype, int deviceType, int deviceIndex);

    [LibraryImport(Lib)]
    internal static partial int pt_adamw_step(nint[] parameters, nint[] expAvg, nint[] expAvgSq, int n,
        double lr, double beta1, double beta2, double eps, double weightDecay, long step);

    [LibraryImport(Lib)] internal static partial int pt_clip_grad_norm(nint[] parameters, int n, double maxNorm, out double totalNorm);
}
