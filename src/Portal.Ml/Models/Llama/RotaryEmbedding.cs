namespace Portal.Ml.Models;

/// <summary>
/// Rotary position embedding as Hugging Face's Llama/Qwen2 apply it: the half-split ("rotate_half") layout,
/// inverse frequencies θ^(-2i/d), and <c>rope_scaling</c> types <c>linear</c> and <c>llama3</c>.
/// The cos/sin tables are computed on the host in double precision, then cast to float32.
/// </summary>
public sealed class RotaryEmbedding
{
    private readonly double[] inverseFrequencies;

    public RotaryEmbedding(int headDim, double theta, RopeScaling? scaling)
    {
        HeadDim = headDim;
        inverseFrequencies = new double[headDim / 2];
        for (var i = 0; i < inverseFrequencies.Length; i++)
            inverseFrequencies[i] = 1.0 / Math.Pow(theta, 2.0 * i / headDim);
        switch (scaling?.Type)
        {
            case null:
                break;
            case "linear":
                for (var i = 0; i < inverseFrequencies.Length; i++)
                    inverseFrequencies[i] /= scaling.Factor;
                break;
            case "llama3":
                ApplyLlama3(inverseFrequencies, scaling);
                break;
            default:
                throw new NotSupportedException($"rope_scaling type '{scaling.Type}' is not supported (linear and llama3 are)");
        }
    }

    public int HeadDim { get; }

    public IReadOnlyList<double> InverseFrequencies => inverseFrequencies;

    /// <summary>cos and sin tables [T, headDim] for positions start … start + length - 1.</summary>
    public (Tensor cos, Tensor sin) Tables(long start, long length, Device device)
    {
        var half = inverseFrequencies.Length;
        var cos = new float[length * HeadDim];
        var sin = new float[length * HeadDim];
        for (var t = 0; t < length; t++)
            for (var i = 0; i < half; i++)
            {
                var angle = (start + t) * inverseFrequencies[i];
                var (s, c) = Math.SinCos(angle);
                cos[t * HeadDim + i] = cos[t * HeadDim + half + i] = (float)c;
                sin[t * HeadDim + i] = sin[t * HeadDim + half + i] = (float)s;
            }
        var cosTensor = torch.tensor(cos, [length, HeadDim]);
        var sinTensor = torch.tensor(sin, [length, HeadDim]);
        return device.type == DeviceType.CPU ? (cosTensor, sinTensor) : (cosTensor.to(device), sinTensor.to(device));
    }

    /// <summary>x·cos + rotate_half(x)·sin for x [B, heads, T, headDim].</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        var half = x.size(-1) / 2;
        var first = x.narrow(-1, 0, half);
        var second = x.narrow(-1, half, half);
        var rotated = torch.cat([second.neg(), first], -1);
        return x * cos + rotated * sin;
    }

    private static void ApplyLlama3(double[] frequencies, RopeScaling scaling)
    {
        var lowWavelength = scaling.OriginalMaxPositionEmbeddings / scaling.LowFrequencyFactor;
        var highWavelength = scaling.OriginalMaxPositionEmbeddings / scaling.HighFrequencyFactor;
        for (var i = 0; i < frequencies.Length; i++)
        {
            var wavelength = 2 * Math.PI / frequencies[i];
            if (wavelength < highWavelength)
                continue; // high frequencies are kept
            if (wavelength > lowWavelength)
            {
                frequencies[i] /= scaling.Factor; // low frequencies are scaled like linear
                continue;
            }
            var smooth = (scaling.OriginalMaxPositionEmbeddings / wavelength - scaling.LowFrequencyFactor)
                         / (scaling.HighFrequencyFactor - scaling.LowFrequencyFactor);
            frequencies[i] = (1 - smooth) * frequencies[i] / scaling.Factor + smooth * frequencies[i];
        }
    }
}
