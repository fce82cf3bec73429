using Portal.Ml.Modules;

namespace Portal.Ml.Tests.Memory;

public sealed class NativeMemoryTests
{
    private const int Steps = 10_000;

    private static long ResidentSetBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    [Fact]
    public void Ten_thousand_training_steps_do_not_grow_native_memory()
    {
        EngineTestSetup.Deterministic(11);
        using var first = new Linear(16, 32);
        using var second = new Linear(32, 4);
        var parameters = first.parameters().Concat(second.parameters()).ToList();
        using var optimizer = torch.optim.AdamW(parameters, lr: 1e-3);
        using var data = torch.NewDisposeScope();
        var inputs = torch.randn([8, 16]);
        var targets = torch.randint(4, [8]);

        long liveAfterWarmup = 0, rssAfterWarmup = 0;
        for (var step = 0; step < Steps; step++)
        {
            using (var scope = torch.NewDisposeScope())
            {
                optimizer.zero_grad();
                var hidden = torch.nn.functional.gelu(first.forward(inputs));
                var loss = torch.nn.functional.cross_entropy(second.forward(hidden), targets);
                loss.backward();
                torch.nn.utils.clip_grad_norm_(parameters, 1.0);
                optimizer.step();
                _ = first.weight.grad;
            }

            if (step == 500)
            {
                liveAfterWarmup = torch.NativeLiveTensorCount;
                rssAfterWarmup = ResidentSetBytes();
            }
        }

        torch.NativeLiveTensorCount.ShouldBe(liveAfterWarmup);
        (ResidentSetBytes() - rssAfterWarmup).ShouldBeLessThan(24L << 20);
    }

    [Fact]
    public void Disposing_a_scope_frees_its_tensors_but_not_the_ones_moved_out()
    {
        var before = torch.NativeLiveTensorCount;
        Tensor kept;
        using (var scope = torch.NewDisposeScope())
        {
            var a = torch.ones([3]);
            var b = a * 2.0;
            kept = (b + 1.0).MoveToOuterDisposeScope();
            torch.NativeLiveTensorCount.ShouldBe(before + 3);
        }

        torch.NativeLiveTensorCount.ShouldBe(before + 1);
        kept.data<float>().ShouldBe([3f, 3f, 3f]);
        kept.Dispose();
        torch.NativeLiveTensorCount.ShouldBe(before);
    }

    [Fact]
    public void A_tensor_moved_out_of_a_nested_scope_belongs_to_the_outer_scope()
    {
        var before = torch.NativeLiveTensorCount;
        using (torch.NewDisposeScope())
        {
            using (torch.NewDisposeScope())
                torch.zeros([2]).MoveToOuterDisposeScope();
            torch.NativeLiveTensorCount.ShouldBe(before + 1);
        }

        torch.NativeLiveTensorCount.ShouldBe(before);
    }
}
