using Portal.Ml.Interop;
using Portal.Ml.Modules;

namespace Portal.Ml;

public enum Reduction { None = 0, Mean = 1, Sum = 2 }

public static partial class torch
{
    /// <summary>Module factories and functional ops, named as in TorchSharp's <c>torch.nn</c>.</summary>
    public static class nn
    {
        public static Linear Linear(long inFeatures, long outFeatures, bool hasBias = true) => new(inFeatures, outFeatures, hasBias);
        public static Embedding Embedding(long count, long dimension) => new(count, dimension);
        public static LayerNorm LayerNorm(long dimension, double eps = 1e-5) => new(dimension, eps);
        public static RMSNorm RMSNorm(long dimension, double eps = 1e-6) => new(dimension, eps);
        public static Dropout Dropout(double p = 0.5) => new(p);

        public static class functional
        {
            public static Tensor linear(Tensor x, Tensor weight, Tensor? bias = null) =>
                Native.Check(NativeMethods.pt_linear(x.Handle, weight.Handle, bias?.Handle ?? TensorHandle.None));

            public static Tensor gelu(Tensor x, bool tanhApproximation = false) =>
                Native.Check(NativeMethods.pt_gelu(x.Handle, tanhApproximation ? 1 : 0));

            public static Tensor silu(Tensor x) => Native.Check(NativeMethods.pt_unary((int)UnaryOp.Silu, x.Handle));
            public static Tensor relu(Tensor x) => x.relu();
            public static Tensor tanh(Tensor x) => x.tanh();
            public static Tensor softmax(Tensor x, long dim) => x.softmax(dim);
            public static Tensor log_softmax(Tensor x, long dim) => x.log_softmax(dim);

            public static Tensor dropout(Tensor x, double p = 0.5, bool training = true) =>
                Native.Check(NativeMethods.pt_dropout(x.Handle, p, training ? 1 : 0));

            public static Tensor embedding(Tensor indices, Tensor weight) =>
                Native.Check(NativeMethods.pt_embedding(weight.Handle, indices.Handle));

            /// <summary>Normalises over the last <paramref name="normalizedDims"/> dimensions.</summary>
            public static Tensor layer_norm(Tensor x, long normalizedDims, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5) =>
                Native.Check(NativeMethods.pt_layer_norm(x.Handle, normalizedDims, weight?.Handle ?? TensorHandle.None, bias?.Handle ?? TensorHandle.None, eps));

            /// <summary>x · rsqrt(mean(x², last dim) + eps) · weight, composed from primitive ops.</summary>
            public static Tensor rms_norm(Tensor x, Tensor? weight = null, double eps = 1e-6)
            {
                using var squared = x.square();
                using var meanSquare = squared.mean(-1, keepdim: true);
                using var shifted = meanSquare.add(eps);
                using var inverse = shifted.rsqrt();
                if (weight is null)
                    return x.mul(inverse);
                using var normalised = x.mul(inverse);
                return normalised.mul(weight);
            }

            /// <summary>Mean (or summed) negative log-likelihood of <paramref name="target"/> classes; targets equal to <paramref name="ignore_index"/> do not count.</summary>
            public static Tensor cross_entropy(Tensor input, Tensor target, long ignore_index = -100, Reduction reduction = Reduction.Mean) =>
                Native.Check(NativeMethods.pt_cross_entropy(input.Handle, target.Handle, ignore_index, (int)reduction));
        }

        public static class utils
        {
            /// <summary>Scales all gradients so their joint L2 norm is at most <paramref name="max_norm"/>; returns the norm before clipping.</summary>
            public static double clip_grad_norm_(IEnumerable<Tensor> parameters, double max_norm)
            {
                var list = parameters.ToList();
                var pointers = Native.Pointers(list);
                Native.Check(NativeMethods.pt_clip_grad_norm(pointers, pointers.Length, max_norm, out var total));
                GC.KeepAlive(list);
                return total;
            }
        }
    }

    public static class optim
    {
        public static Optim.AdamW AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
            double eps = 1e-8, double weight_decay = 0.01) => new(parameters, lr, beta1, beta2, eps, weight_decay);
    }
}
