using Portal.Ml.Interop;

namespace Portal.Ml;

public sealed partial class Tensor
{
    private Tensor Unary(UnaryOp op) => Native.Check(NativeMethods.pt_unary((int)op, Handle));
    private Tensor Binary(BinaryOp op, Tensor other) => Native.Check(NativeMethods.pt_binary((int)op, Handle, other.Handle));
    private Tensor Scalar(ScalarOp op, double value) => Native.Check(NativeMethods.pt_scalar_op((int)op, Handle, value));

    private Tensor Reduce(ReduceOp op, long[] dims, bool keepdim) =>
        Native.Check(NativeMethods.pt_reduce((int)op, Handle, dims, dims.Length, keepdim ? 1 : 0));

    public Tensor add(Tensor other) => Binary(BinaryOp.Add, other);
    public Tensor add(double other) => Scalar(ScalarOp.Add, other);
    public Tensor sub(Tensor other) => Binary(BinaryOp.Sub, other);
    public Tensor sub(double other) => Scalar(ScalarOp.Sub, other);
    public Tensor mul(Tensor other) => Binary(BinaryOp.Mul, other);
    public Tensor mul(double other) => Scalar(ScalarOp.Mul, other);
    public Tensor div(Tensor other) => Binary(BinaryOp.Div, other);
    public Tensor div(double other) => Scalar(ScalarOp.Div, other);
    public Tensor pow(Tensor exponent) => Binary(BinaryOp.Pow, exponent);
    public Tensor pow(double exponent) => Scalar(ScalarOp.Pow, exponent);
    public Tensor matmul(Tensor other) => Binary(BinaryOp.Matmul, other);
    public Tensor bmm(Tensor other) => Binary(BinaryOp.Bmm, other);
    public Tensor maximum(Tensor other) => Binary(BinaryOp.Maximum, other);
    public Tensor minimum(Tensor other) => Binary(BinaryOp.Minimum, other);

    public Tensor neg() => Unary(UnaryOp.Neg);
    public Tensor exp() => Unary(UnaryOp.Exp);
    public Tensor log() => Unary(UnaryOp.Log);
    public Tensor sqrt() => Unary(UnaryOp.Sqrt);
    public Tensor rsqrt() => Unary(UnaryOp.Rsqrt);
    public Tensor tanh() => Unary(UnaryOp.Tanh);
    public Tensor relu() => Unary(UnaryOp.Relu);
    public Tensor sigmoid() => Unary(UnaryOp.Sigmoid);
    public Tensor abs() => Unary(UnaryOp.Abs);
    public Tensor square() => Unary(UnaryOp.Square);
    public Tensor clone() => Unary(UnaryOp.Clone);
    public Tensor detach() => Unary(UnaryOp.Detach);
    public Tensor logical_not() => Unary(UnaryOp.LogicalNot);

    /// <summary>A new handle to the same storage and autograd node (for ops that are the identity).</summary>
    public Tensor alias() => Unary(UnaryOp.Alias);
    public Tensor clamp_min(double min) => Scalar(ScalarOp.ClampMin, min);
    public Tensor clamp_max(double max) => Scalar(ScalarOp.ClampMax, max);

    public Tensor eq(Tensor other) => Binary(BinaryOp.Eq, other);
    public Tensor eq(double other) => Scalar(ScalarOp.Eq, other);
    public Tensor ne(double other) => Scalar(ScalarOp.Ne, other);
    public Tensor lt(Tensor other) => Binary(BinaryOp.Lt, other);
    public Tensor lt(double other) => Scalar(ScalarOp.Lt, other);
    public Tensor gt(Tensor other) => Binary(BinaryOp.Gt, other);
    public Tensor gt(double other) => Scalar(ScalarOp.Gt, other);
    public Tensor le(double other) => Scalar(ScalarOp.Le, other);
    public Tensor ge(double other) => Scalar(ScalarOp.Ge, other);
    public Tensor logical_and(Tensor other) => Binary(BinaryOp.LogicalAnd, other);
    public Tensor logical_or(Tensor other) => Binary(BinaryOp.LogicalOr, other);

    public Tensor sum() => Reduce(ReduceOp.Sum, [], false);
    public Tensor sum(long dim, bool keepdim = false) => Reduce(ReduceOp.Sum, [dim], keepdim);
    public Tensor sum(long[] dims, bool keepdim = false) => Reduce(ReduceOp.Sum, dims, keepdim);
    public Tensor mean() => Reduce(ReduceOp.Mean, [], false);
    public Tensor mean(long dim, bool keepdim = false) => Reduce(ReduceOp.Mean, [dim], keepdim);
    public Tensor mean(long[] dims, bool keepdim = false) => Reduce(ReduceOp.Mean, dims, keepdim);
    public Tensor max() => Reduce(ReduceOp.Max, [], false);
    public Tensor amax(long dim, bool keepdim = false) => Reduce(ReduceOp.Max, [dim], keepdim);
    public Tensor min() => Reduce(ReduceOp.Min, [], false);
    public Tensor amin(long dim, bool keepdim = false) => Reduce(ReduceOp.Min, [dim], keepdim);

    public Tensor argmax(long dim, bool keepdim = false) => Native.Check(NativeMethods.pt_argmax(Handle, dim, keepdim ? 1 : 0));

    public (Tensor values, Tensor indices) topk(long k, long dim = -1, bool largest = true)
    {
        Native.Check(NativeMethods.pt_topk(Handle, k, dim, largest ? 1 : 0, out var values, out var indices));
        return (new Tensor(values), new Tensor(indices));
    }

    public Tensor softmax(long dim) => Native.Check(NativeMethods.pt_softmax(Handle, dim, 0));
    public Tensor log_softmax(long dim) => Native.Check(NativeMethods.pt_softmax(Handle, dim, 1));

    public static Tensor operator +(Tensor a, Tensor b) => a.add(b);
    public static Tensor operator +(Tensor a, double b) => a.add(b);
    public static Tensor operator +(double a, Tensor b) => b.add(a);
    public static Tensor operator -(Tensor a, Tensor b) => a.sub(b);
    public static Tensor operator -(Tensor a, double b) => a.sub(b);
    public static Tensor operator -(double a, Tensor b) => b.Scalar(ScalarOp.ReverseSub, a);
    public static Tensor operator *(Tensor a, Tensor b) => a.mul(b);
    public static Tensor operator *(Tensor a, double b) => a.mul(b);
    public static Tensor operator *(double a, Tensor b) => b.mul(a);
    public static Tensor operator /(Tensor a, Tensor b) => a.div(b);
    public static Tensor operator /(Tensor a, double b) => a.div(b);
    public static Tensor operator /(double a, Tensor b) => b.Scalar(ScalarOp.ReverseDiv, a);
    public static Tensor operator -(Tensor a) => a.neg();

    // In-place updates that autograd never sees: initialisation and checkpoint restore.
    private Tensor InPlace(InPlaceOp op, double a = 0, double b = 0)
    {
        Native.Check(NativeMethods.pt_inplace((int)op, Handle, a, b));
        return this;
    }

    public Tensor uniform_(double from, double to) => InPlace(InPlaceOp.Uniform, from, to);
    public Tensor normal_(double mean = 0, double std = 1) => InPlace(InPlaceOp.Normal, mean, std);
    public Tensor fill_(double value) => InPlace(InPlaceOp.Fill, value);
    public Tensor zero_() => InPlace(InPlaceOp.Zero);
    public Tensor mul_(double value) => InPlace(InPlaceOp.MulScalar, value);
    public Tensor add_(double value) => InPlace(InPlaceOp.AddScalar, value);

    public Tensor copy_(Tensor source)
    {
        Native.Check(NativeMethods.pt_copy_from(Handle, source.Handle));
        return this;
    }
}
