using TS = TorchSharp.torch;
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
                Torch.Op(x, (weight, bias), static (t, s) => TS.nn.functional.linear(t, s.weight.Native, s.bias?.Native));

            public static Tensor gelu(Tensor x, bool tanhApproximation = false) =>
                Torch.Op(x, tanhApproximation, static (t, tanh) =>
                    TS.nn.functional.gelu(t, tanh ? TorchSharp.Modules.GELU.Approximate.tanh : TorchSharp.Modules.GELU.Approximate.none));

            public static Tensor silu(Tensor x) => Torch.Op(x, static t => TS.nn.functional.silu(t));
            public static Tensor relu(Tensor x) => x.relu();
            public static Tensor tanh(Tensor x) => x.tanh();
            public static Tensor softmax(Tensor x, long dim) => x.softmax(dim);
            public static Tensor log_softmax(Tensor x, long dim) => x.log_softmax(dim);

            public static Tensor dropout(Tensor x, double p = 0.5, bool training = true) =>
                Torch.Op(x, (p, training), static (t, s) => TS.nn.functional.dropout(t, s.p, s.training));

            /// <summary>Rows of <paramref name="weight"/> by index; the gradient is the same dense scatter-add as libtorch's embedding.</summary>
            public static Tensor embedding(Tensor indices, Tensor weight) =>
                Torch.Op(weight, indices, static (w, i) =>
                {
                    using var flat = i.reshape(-1);
                    using var rows = w.index_select(0, flat);
                    return rows.view([.. i.shape, w.shape[1]]);
                });

            /// <summary>Normalises over the last <paramref name="normalizedDims"/> dimensions.</summary>
            public static Tensor layer_norm(Tensor x, long normalizedDims, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5) =>
                Torch.Op(x, (normalizedDims, weight, bias, eps), static (t, s) =>
                    TS.nn.functional.layer_norm(t, t.shape[^(int)s.normalizedDims..], s.weight?.Native, s.bias?.Native, s.eps));

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
                Torch.Op(input, (target, ignore_index, reduction), static (t, s) =>
                    TS.nn.functional.cross_entropy(t, s.target.Native, ignore_index: s.ignore_index, reduction: (TS.nn.Reduction)(int)s.reduction));
        }

        public static class utils
        {
            /// <summary>Scales all gradients so their joint L2 norm is at most <paramref name="max_norm"/>; returns the norm before clipping.</summary>
            public static double clip_grad_norm_(IEnumerable<Tensor> parameters, double max_norm)
            {
                var gradients = parameters.Select(p => p.Native.grad).OfType<TS.Tensor>().ToList();
                try
                {
                    if (gradients.Count == 0)
                        return 0.0;
                    using var guard = TS.no_grad();
                    var norms = gradients.Select(g => g.norm()).ToList();
                    double total;
                    using (var stacked = TS.stack(norms))
                    using (var norm = stacked.norm())
                    using (var wide = norm.to_type(TS.ScalarType.Float64))
                        total = wide.item<double>();
                    foreach (var norm in norms)
                        norm.Dispose();
                    var coefficient = max_norm / (total + 1e-6);
                    if (coefficient < 1.0)
                        foreach (var gradient in gradients)
                            gradient.mul_(coefficient);
                    return total;
                }
                finally
                {
                    foreach (var gradient in gradients)
                        gradient.Dispose();
                }
            }
        }
    }

    public static class optim
    {
        public static Optim.AdamW AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
            double eps = 1e-8, double weight_decay = 0.01) => new(parameters, lr, beta1, beta2, eps, weight_decay);
    }
}
