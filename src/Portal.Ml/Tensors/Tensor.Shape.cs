namespace Portal.Ml;

public sealed partial class Tensor
{
    public Tensor reshape(params long[] shape) => Torch.Op(this, shape, static (a, s) => a.reshape(s));
    public Tensor view(params long[] shape) => Torch.Op(this, shape, static (a, s) => a.view(s));
    public Tensor expand(params long[] shape) => Torch.Op(this, shape, static (a, s) => a.expand(s));
    public Tensor permute(params long[] dims) => Torch.Op(this, dims, static (a, d) => a.permute(d));
    public Tensor transpose(long dim0, long dim1) => Torch.Op(this, (dim0, dim1), static (a, d) => a.transpose(d.dim0, d.dim1));
    public Tensor t() => transpose(0, 1);
    public Tensor contiguous() => Torch.Op(this, static a => a.contiguous());
    public Tensor unsqueeze(long dim) => Torch.Op(this, dim, static (a, d) => a.unsqueeze(d));
    public Tensor squeeze(long dim) => Torch.Op(this, dim, static (a, d) => a.squeeze(d));
    public Tensor narrow(long dim, long start, long length) =>
        Torch.Op(this, (dim, start, length), static (a, s) => a.narrow(s.dim, s.start, s.length));
    public Tensor index_select(long dim, Tensor index) => Torch.Op(this, (dim, index), static (a, s) => a.index_select(s.dim, s.index.Native));
    public Tensor gather(long dim, Tensor index) => Torch.Op(this, (dim, index), static (a, s) => a.gather(s.dim, s.index.Native));
    public Tensor masked_fill(Tensor mask, double value) =>
        Torch.Op(this, (mask, value), static (a, s) => { using var scalar = (TorchSharp.Scalar)s.value; return a.masked_fill(s.mask.Native, scalar); });
    public Tensor triu(long diagonal = 0) => Torch.Op(this, diagonal, static (a, d) => a.triu(d));
    public Tensor tril(long diagonal = 0) => Torch.Op(this, diagonal, static (a, d) => a.tril(d));
    public Tensor multinomial(long samples, bool replacement = false) =>
        Torch.Op(this, (samples, replacement), static (a, s) => a.multinomial(s.samples, s.replacement));

    public Tensor to(ScalarType type) => Torch.Op(this, type, static (a, t) => a.to(Torch.TypeOf(t)));
    public Tensor to(Device target) => Torch.Op(this, target, static (a, d) => a.to(Torch.DeviceOf(d)));
    public Tensor cpu() => to(torch.CPU);
    public Tensor cuda() => to(torch.CUDA);
}
