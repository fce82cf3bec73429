using Portal.Ml.Interop;

namespace Portal.Ml;

public sealed partial class Tensor
{
    public Tensor reshape(params long[] shape) => Native.Check(NativeMethods.pt_reshape(Handle, shape, shape.Length, 0));
    public Tensor view(params long[] shape) => Native.Check(NativeMethods.pt_reshape(Handle, shape, shape.Length, 1));
    public Tensor expand(params long[] shape) => Native.Check(NativeMethods.pt_expand(Handle, shape, shape.Length));
    public Tensor permute(params long[] dims) => Native.Check(NativeMethods.pt_permute(Handle, dims, dims.Length));
    public Tensor transpose(long dim0, long dim1) => Native.Check(NativeMethods.pt_transpose(Handle, dim0, dim1));
    public Tensor t() => transpose(0, 1);
    public Tensor contiguous() => Unary(UnaryOp.Contiguous);
    public Tensor unsqueeze(long dim) => Native.Check(NativeMethods.pt_unsqueeze(Handle, dim));
    public Tensor squeeze(long dim) => Native.Check(NativeMethods.pt_squeeze(Handle, dim));
    public Tensor narrow(long dim, long start, long length) => Native.Check(NativeMethods.pt_narrow(Handle, dim, start, length));
    public Tensor index_select(long dim, Tensor index) => Native.Check(NativeMethods.pt_index_select(Handle, dim, index.Handle));
    public Tensor gather(long dim, Tensor index) => Native.Check(NativeMethods.pt_gather(Handle, dim, index.Handle));
    public Tensor masked_fill(Tensor mask, double value) => Native.Check(NativeMethods.pt_masked_fill(Handle, mask.Handle, value));
    public Tensor triu(long diagonal = 0) => Native.Check(NativeMethods.pt_triangle(Handle, diagonal, 1));
    public Tensor tril(long diagonal = 0) => Native.Check(NativeMethods.pt_triangle(Handle, diagonal, 0));
    public Tensor multinomial(long samples, bool replacement = false) =>
        Native.Check(NativeMethods.pt_multinomial(Handle, samples, replacement ? 1 : 0));

    public Tensor to(ScalarType type) => Native.Check(NativeMethods.pt_to_dtype(Handle, (int)type));
    public Tensor to(Device target) => Native.Check(NativeMethods.pt_to_device(Handle, (int)target.type, target.index));
    public Tensor cpu() => to(torch.CPU);
    public Tensor cuda() => to(torch.CUDA);
}
