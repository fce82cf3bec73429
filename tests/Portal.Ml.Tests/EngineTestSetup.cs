// The native RNG, thread pool and live-tensor counter are process-wide, so tests must not interleave.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Portal.Ml.Tests;

internal static class EngineTestSetup
{
    internal const int Threads = 2;

    /// <summary>Same seed and thread count for every test that trains or samples.</summary>
    internal static void Deterministic(long seed)
    {
        torch.set_num_threads(Threads);
        torch.manual_seed(seed);
    }
}
