using static Portal.Ml.torch.nn;

namespace Portal.Ml.Tests.Gradients;

public sealed class OpGradientTests
{
    private static Tensor Randn(params long[] shape) => torch.randn(shape, torch.float64);
    private static Tensor Positive(params long[] shape) => torch.rand(shape, torch.float64) + 0.5;
    private static Tensor Indices(long[] values, params long[] shape) => torch.tensor(values, shape);

    private static readonly Dictionary<string, Func<(Func<Tensor[], Tensor> function, Tensor[] inputs)>> Cases = new()
    {
        ["add"] = () => (x => x[0] + x[1], [Randn(2, 3), Randn(3)]),
        ["sub"] = () => (x => x[0] - x[1], [Randn(2, 3), Randn(2, 3)]),
        ["mul"] = () => (x => x[0] * x[1], [Randn(2, 3), Randn(2, 3)]),
        ["div"] = () => (x => x[0] / x[1], [Randn(2, 3), Positive(2, 3)]),
        ["scalar arithmetic"] = () => (x => 2.0 - x[0] * 3.0 + 1.5 / (x[0] + 4.0), [Positive(2, 3)]),
        ["neg"] = () => (x => -x[0], [Randn(2, 3)]),
        ["exp"] = () => (x => x[0].exp(), [Randn(2, 3)]),
        ["log"] = () => (x => x[0].log(), [Positive(2, 3)]),
        ["sqrt"] = () => (x => x[0].sqrt(), [Positive(2, 3)]),
        ["rsqrt"] = () => (x => x[0].rsqrt(), [Positive(2, 3)]),
        ["pow scalar"] = () => (x => x[0].pow(2.5), [Positive(2, 3)]),
        ["pow tensor"] = () => (x => x[0].pow(x[1]), [Positive(2, 3), Randn(2, 3)]),
        ["mean"] = () => (x => x[0].mean(1, keepdim: true), [Randn(2, 3)]),
        ["sum"] = () => (x => x[0].sum(0), [Randn(2, 3)]),
        ["max"] = () => (x => x[0].amax(-1), [Randn(2, 3)]),
        ["matmul"] = () => (x => x[0].matmul(x[1]), [Randn(2, 3), Randn(3, 4)]),
        ["bmm"] = () => (x => x[0].bmm(x[1]), [Randn(2, 2, 3), Randn(2, 3, 2)]),
        ["softmax"] = () => (x => x[0].softmax(-1), [Randn(2, 4)]),
        ["log_softmax"] = () => (x => x[0].log_softmax(-1), [Randn(2, 4)]),
        ["cross_entropy with ignore_index"] = () => (x => functional.cross_entropy(x[0], Indices([1, -100, 3], 3), ignore_index: -100), [Randn(3, 4)]),
        ["gelu"] = () => (x => functional.gelu(x[0]), [Randn(2, 3)]),
        ["silu"] = () => (x => functional.silu(x[0]), [Randn(2, 3)]),
        ["tanh"] = () => (x => x[0].tanh(), [Randn(2, 3)]),
        ["layer_norm"] = () => (x => functional.layer_norm(x[0], 1, x[1], x[2]), [Randn(2, 4), Randn(4), Randn(4)]),
        ["rms_norm"] = () => (x => functional.rms_norm(x[0], x[1]), [Randn(2, 4), Randn(4)]),
        ["embedding"] = () => (x => functional.embedding(Indices([2, 0, 2], 3), x[0]), [Randn(4, 3)]),
        ["linear"] = () => (x => functional.linear(x[0], x[1], x[2]), [Randn(2, 3), Randn(4, 3), Randn(4)]),
        ["cat"] = () => (x => torch.cat([x[0], x[1]], 1), [Randn(2, 2), Randn(2, 3)]),
        ["narrow"] = () => (x => x[0].narrow(1, 1, 2), [Randn(2, 4)]),
        ["index_select"] = () => (x => x[0].index_select(0, Indices([2, 0], 2)), [Randn(3, 2)]),
        ["gather"] = () => (x => x[0].gather(1, Indices([1, 0, 2, 2], 2, 2)), [Randn(2, 3)]),
        ["reshape and view"] = () => (x => x[0].reshape(3, 2).view(6), [Randn(2, 3)]),
        ["permute"] = () => (x => x[0].permute(2, 0, 1), [Randn(2, 3, 2)]),
        ["transpose and contiguous"] = () => (x => x[0].transpose(0, 1).contiguous(), [Randn(2, 3)]),
        ["unsqueeze and expand"] = () => (x => x[0].unsqueeze(0).expand(3, 2), [Randn(2)]),
        ["masked_fill"] = () => (x => x[0].masked_fill(torch.ones([2, 2], torch.@bool).triu(1), -5.0), [Randn(2, 2)]),
        ["where"] = () => (x => torch.where(x[0].gt(0.0), x[0], x[1]), [Randn(2, 3), Randn(2, 3)]),
    };

    public static TheoryData<string> OpNames() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(OpNames))]
    public void Autograd_matches_finite_differences(string op)
    {
        EngineTestSetup.Deterministic(1234);
        var (function, inputs) = Cases[op]();
        GradientCheck.AssertMatchesFiniteDifferences(function, inputs);
    }

    [Fact]
    public void A_wrong_gradient_is_caught_by_the_check()
    {
        EngineTestSetup.Deterministic(1);
        // detach() hides x from autograd, so its gradient is missing and the check must fail.
        Should.Throw<Exception>(() => GradientCheck.AssertMatchesFiniteDifferences(x => x[0] * x[0].detach(), Randn(2, 2)));
    }
}
