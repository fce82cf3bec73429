using TS = TorchSharp.torch;

namespace Portal.Ml;

public sealed partial class Tensor
{
    public Tensor add(Tensor other) => Torch.Op(this, other, static (a, b) => a.add(b));
    public Tensor add(double other) => Torch.Scalar(this, other, static (a, s) => a.add(s));
    public Tensor sub(Tensor other) => Torch.Op(this, other, static (a, b) => a.sub(b));
    public Tensor sub(double other) => Torch.Scalar(this, other, static (a, s) => a.sub(s));
    public Tensor mul(Tensor other) => Torch.Op(this, other, static (a, b) => a.mul(b));
    public Tensor mul(double other) => Torch.Scalar(this, other, static (a, s) => a.mul(s));
    public Tensor div(Tensor other) => Torch.Op(this, other, static (a, b) => a.div(b));
    public Tensor div(double other) => Torch.Scalar(this, other, static (a, s) => a.div(s));
    public Tensor pow(Tensor exponent) => Torch.Op(this, exponent, static (a, b) => a.pow(b));
    public Tensor pow(double exponent) => Torch.Scalar(this, exponent, static (a, s) => a.pow(s));

    public Tensor matmul(Tensor other)
    {
        // TorchSharp 0.107's THSTensor_matmul lets libtorch's shape error escape as a C++ exception, which aborts the
        // process, so the shapes are checked here first (the other products catch their own errors).
        MatmulShapes.Check(shape, other.shape);
        return Torch.Op(this, other, static (a, b) => a.matmul(b));
    }

    public Tensor bmm(Tensor other) => Torch.Op(this, other, static (a, b) => a.bmm(b));
    public Tensor maximum(Tensor other) => Torch.Op(this, other, static (a, b) => a.maximum(b));
    public Tensor minimum(Tensor other) => Torch.Op(this, other, static (a, b) => a.minimum(b));

    public Tensor neg() => Torch.Op(this, static a => a.neg());
    public Tensor exp() => Torch.Op(this, static a => a.exp());
    public Tensor log() => Torch.Op(this, static a => a.log());
    public Tensor sqrt() => Torch.Op(this, static a => a.sqrt());
    public Tensor rsqrt() => Torch.Op(this, static a => a.rsqrt());
    public Tensor tanh() => Torch.Op(this, static a => a.tanh());
    public Tensor relu() => Torch.Op(this, static a => a.relu());
    public Tensor sigmoid() => Torch.Op(this, static a => a.sigmoid());
    public Tensor abs() => Torch.Op(this, static a => a.abs());
    public Tensor square() => Torch.Op(this, static a => a.square());
    public Tensor clone() => Torch.Op(this, static a => a.clone());
    public Tensor detach() => Torch.Op(this, static a => a.detach());
    public Tensor logical_not() => Torch.Op(this, static a => a.logical_not());

    /// <summary>A new handle to the same storage and autograd node (for ops that are the identity).</summary>
    public Tensor alias() => Torch.Op(this, static a => a.alias());
    public Tensor clamp_min(double min) => Torch.Scalar(this, min, static (a, s) => a.clamp_min(s));
    public Tensor clamp_max(double max) => Torch.Scalar(this, max, static (a, s) => a.clamp_max(s));

    public Tensor eq(Tensor other) => Torch.Op(this, other, static (a, b) => a.eq(b));
    public Tensor eq(double other) => Torch.Scalar(this, other, static (a, s) => a.eq(s));
    public Tensor ne(double other) => Torch.Scalar(this, other, static (a, s) => a.ne(s));
    public Tensor lt(Tensor other) => Torch.Op(this, other, static (a, b) => a.lt(b));
    public Tensor lt(double other) => Torch.Scalar(this, other, static (a, s) => a.lt(s));
    public Tensor gt(Tensor other) => Torch.Op(this, other, static (a, b) => a.gt(b));
    public Tensor gt(double other) => Torch.Scalar(this, other, static (a, s) => a.gt(s));
    public Tensor le(double other) => Torch.Scalar(this, other, static (a, s) => a.le(s));
    public Tensor ge(double other) => Torch.Scalar(this, other, static (a, s) => a.ge(s));
    public Tensor logical_and(Tensor other) => Torch.Op(this, other, static (a, b) => a.logical_and(b));
    public Tensor logical_or(Tensor other) => Torch.Op(this, other, static (a, b) => a.logical_or(b));

    public Tensor sum() => Torch.Op(this, static a => a.sum());
    public Tensor sum(long dim, bool keepdim = false) => Torch.Op(this, (dim, keepdim), static (a, s) => a.sum(s.dim, s.keepdim));
    public Tensor sum(long[] dims, bool keepdim = false) => Torch.Op(this, (dims, keepdim), static (a, s) => a.sum(s.dims, s.keepdim));
    public Tensor mean() => Torch.Op(this, static a => a.mean());
    public Tensor mean(long dim, bool keepdim = false) => mean([dim], keepdim);
    public Tensor mean(long[] dims, bool keepdim = false) => Torch.Op(this, (dims, keepdim), static (a, s) => a.mean(s.dims, s.keepdim));
    public Tensor max() => Torch.Op(this, static a => a.max());
    public Tensor amax(long dim, bool keepdim = false) => Torch.Op(this, (dim, keepdim), static (a, s) => a.amax([s.dim], s.keepdim));
    public Tensor min() => Torch.Op(this, static a => a.min());
    public Tensor amin(long dim, bool keepdim = false) => Torch.Op(this, (dim, keepdim), static (a, s) => a.amin([s.dim], s.keepdim));

    public Tensor argmax(long dim, bool keepdim = false) => Torch.Op(this, (dim, keepdim), static (a, s) => a.argmax(s.dim, s.keepdim));

    public (Tensor values, Tensor indices) topk(long k, long dim = -1, bool largest = true)
    {
        var (values, indices) = Torch.Call(Native, t => t.topk((int)k, (int)dim, largest));
        return (new Tensor(values), new Tensor(indices));
    }

    public Tensor softmax(long dim) => Torch.Op(this, dim, static (a, d) => a.softmax(d));
    public Tensor log_softmax(long dim) => Torch.Op(this, dim, static (a, d) => a.log_softmax(d));

    public static Tensor operator +(Tensor a, Tensor b) => a.add(b);
    public static Tensor operator +(Tensor a, double b) => a.add(b);
    public static Tensor operator +(double a, Tensor b) => b.add(a);
    public static Tensor operator -(Tensor a, Tensor b) => a.sub(b);
    public static Tensor operator -(Tensor a, double b) => a.sub(b);
    public static Tensor operator -(double a, Tensor b) => Torch.Scalar(b, a, static (t, s) => { using var negated = t.neg(); return negated.add(s); });
    public static Tensor operator *(Tensor a, Tensor b) => a.mul(b);
    public static Tensor operator *(Tensor a, double b) => a.mul(b);
    public static Tensor operator *(double a, Tensor b) => b.mul(a);
    public static Tensor operator /(Tensor a, Tensor b) => a.div(b);
    public static Tensor operator /(Tensor a, double b) => a.div(b);
    public static Tensor operator /(double a, Tensor b) => Torch.Scalar(b, a, static (t, s) => { using var inverse = t.reciprocal(); return inverse.mul(s); });
    public static Tensor operator -(Tensor a) => a.neg();

    // In-place updates that autograd never sees: initialisation and checkpoint restore.
    private Tensor InPlace<TState>(TState state, Action<TS.Tensor, TState> op)
    {
        using (TS.no_grad())
            Torch.Run(() => op(Native, state));
        return this;
    }

    public Tensor uniform_(double from, double to) => InPlace((from, to), static (t, s) => t.uniform_(s.from, s.to));
    public Tensor normal_(double mean = 0, double std = 1) => InPlace((mean, std), static (t, s) => t.normal_(s.mean, s.std));
    public Tensor fill_(double value) => InPlace(value, static (t, v) => { using var s = (TorchSharp.Scalar)v; t.fill_(s); });
    public Tensor zero_() => InPlace(0, static (t, _) => t.zero_());
    public Tensor mul_(double value) => InPlace(value, static (t, v) => { using var s = (TorchSharp.Scalar)v; t.mul_(s); });
    public Tensor add_(double value) => InPlace(value, static (t, v) => { using var s = (TorchSharp.Scalar)v; t.add_(s); });

    public Tensor copy_(Tensor source) => InPlace(source, static (t, s) => t.copy_(s.Native));
}
