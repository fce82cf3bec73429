namespace Portal.Ml;

/// <summary>torch.matmul's shape rules, checked before the call (see <see cref="Tensor.matmul"/>).</summary>
internal static class MatmulShapes
{
    internal static void Check(long[] a, long[] b)
    {
        if (a.Length == 0 || b.Length == 0)
            throw Mismatch(a, b, "both arguments to matmul need to be at least 1D");
        var inner = a[^1];
        var against = b.Length == 1 ? b[0] : b[^2];
        if (inner != against)
            throw Mismatch(a, b, "shapes cannot be multiplied");
        if (a.Length <= 2 && b.Length <= 2)
            return;
        var batchA = a.Length > 2 ? a[..^2] : [];
        var batchB = b.Length > 2 ? b[..^2] : [];
        for (var i = 1; i <= Math.Min(batchA.Length, batchB.Length); i++)
        {
            var (x, y) = (batchA[^i], batchB[^i]);
            if (x != y && x != 1 && y != 1)
                throw Mismatch(a, b, "batch dimensions cannot be broadcast");
        }
    }

    private static TorchException Mismatch(long[] a, long[] b, string reason) =>
        new($"mat1 and mat2 {reason} ({string.Join("x", a)} and {string.Join("x", b)})");
}
