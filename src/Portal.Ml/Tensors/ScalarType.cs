namespace Portal.Ml;

/// <summary>Element types. The values are c10::ScalarType codes, the same numbers TorchSharp uses.</summary>
public enum ScalarType
{
    Int64 = 4,
    Float16 = 5,
    Float32 = 6,
    Float64 = 7,
    Bool = 11,
    BFloat16 = 15,
}

internal static class ScalarTypeSizes
{
    internal static int ElementSize(this ScalarType type) => type switch
    {
        ScalarType.Int64 or ScalarType.Float64 => 8,
        ScalarType.Float32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unsupported dtype"),
    };

    internal static ScalarType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? ScalarType.Float32
        : typeof(T) == typeof(double) ? ScalarType.Float64
        : typeof(T) == typeof(long) ? ScalarType.Int64
        : typeof(T) == typeof(bool) ? ScalarType.Bool
        : typeof(T) == typeof(Half) ? ScalarType.Float16
        : throw new NotSupportedException($"{typeof(T).Name} has no tensor dtype; use torch.from_bytes for bf16.");
}
