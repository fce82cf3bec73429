using System.Diagnostics;
using System.Globalization;
using Portal.Ml;

/// <summary>Best-of-N time of one N×N float32 matmul, in GFLOP/s (2·N³ operations).</summary>
internal static class Matmul
{
    internal static string Time(int n, int repeats)
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.randn([n, n]);
        var b = torch.randn([n, n]);
        for (var i = 0; i < 3; i++)
            a.matmul(b).Dispose();
        var best = double.MaxValue;
        for (var i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            a.matmul(b).Dispose();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"portal libtorch {torch.TorchVersionMajor}.x matmul n={n} threads={torch.get_num_threads()} best_ms={best * 1000:F2} gflops={2.0 * n * n * n / best / 1e9:F1}");
    }
}
