namespace Portal.Ml.Tests.Gradients;

/// <summary>
/// Compares autograd's gradients with central finite differences in float64. The function's output
/// is reduced with fixed random weights so every output element contributes.
/// </summary>
internal static class GradientCheck
{
    private const double Step = 1e-6;
    private const double AbsoluteTolerance = 1e-6;
    private const double RelativeTolerance = 1e-4;

    internal static void AssertMatchesFiniteDifferences(Func<Tensor[], Tensor> function, params Tensor[] inputs)
    {
        using var scope = torch.NewDisposeScope();
        foreach (var input in inputs)
            input.requires_grad = true;

        var output = function(inputs);
        var weights = torch.randn(output.shape, torch.float64);
        Tensor Objective(Tensor[] x) => (function(x) * weights).sum();

        Objective(inputs).backward();

        for (var i = 0; i < inputs.Length; i++)
        {
            var analytic = inputs[i].grad.ShouldNotBeNull($"input {i} received no gradient").data<double>();
            var values = inputs[i].data<double>();
            for (var j = 0; j < values.Length; j++)
            {
                var numeric = (Evaluate(Objective, inputs, i, values, j, +Step) - Evaluate(Objective, inputs, i, values, j, -Step)) / (2 * Step);
                Math.Abs(analytic[j] - numeric).ShouldBeLessThanOrEqualTo(AbsoluteTolerance + RelativeTolerance * Math.Abs(numeric),
                    $"input {i} element {j}: autograd {analytic[j]} vs finite difference {numeric}");
            }
        }
    }

    private static double Evaluate(Func<Tensor[], Tensor> objective, Tensor[] inputs, int which, double[] values, int element, double delta)
    {
        using var noGrad = torch.no_grad();
        var shifted = (double[])values.Clone();
        shifted[element] += delta;
        var arguments = (Tensor[])inputs.Clone();
        arguments[which] = torch.tensor(shifted, inputs[which].shape);
        return objective(arguments).ToDouble();
    }
}
