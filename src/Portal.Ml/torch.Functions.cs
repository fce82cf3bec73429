using TS = TorchSharp.torch;

namespace Portal.Ml;

public static partial class torch
{
    public static Tensor matmul(Tensor a, Tensor b) => a.matmul(b);
    public static Tensor bmm(Tensor a, Tensor b) => a.bmm(b);
    public static Tensor softmax(Tensor x, long dim) => x.softmax(dim);
    public static Tensor log_softmax(Tensor x, long dim) => x.log_softmax(dim);
    public static Tensor tanh(Tensor x) => x.tanh();
    public static Tensor exp(Tensor x) => x.exp();
    public static Tensor log(Tensor x) => x.log();
    public static Tensor sqrt(Tensor x) => x.sqrt();
    public static Tensor rsqrt(Tensor x) => x.rsqrt();
    public static Tensor pow(Tensor x, double exponent) => x.pow(exponent);
    public static Tensor triu(Tensor x, long diagonal = 0) => x.triu(diagonal);
    public static Tensor tril(Tensor x, long diagonal = 0) => x.tril(diagonal);
    public static Tensor argmax(Tensor x, long dim, bool keepdim = false) => x.argmax(dim, keepdim);
    public static (Tensor values, Tensor indices) topk(Tensor x, long k, long dim = -1, bool largest = true) => x.topk(k, dim, largest);
    public static Tensor multinomial(Tensor probabilities, long samples, bool replacement = false) => probabilities.multinomial(samples, replacement);

    public static Tensor where(Tensor condition, Tensor x, Tensor y) =>
        Torch.Op(condition, (x, y), static (c, s) => TS.where(c, s.x.Native, s.y.Native));

    public static Tensor cat(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        var natives = new TS.Tensor[tensors.Count];
        for (var i = 0; i < natives.Length; i++)
            natives[i] = tensors[i].IsDisposed ? throw new ObjectDisposedException(nameof(Tensor), "a tensor passed to cat was already disposed") : tensors[i].Native;
        return Torch.Create(() => TS.cat(natives, dim));
    }
}
