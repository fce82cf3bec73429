namespace Portal.Ml.Tests.Tensors;

public sealed class AdamWTests
{
    [Fact]
    public void One_step_matches_the_AdamW_formula()
    {
        using var scope = torch.NewDisposeScope();
        var w = torch.tensor([1.0, -2.0]).requires_grad_();
        using var optimizer = torch.optim.AdamW([w], lr: 0.1, weight_decay: 0.5);

        (w * w).sum().backward(); // grad = 2w
        optimizer.step();

        // step 1: m̂ = g, v̂ = g², update = g/(|g| + eps) = sign(g); decay first: w·(1 - lr·wd)
        w.data<double>().ShouldBe([1.0 * 0.95 - 0.1, -2.0 * 0.95 + 0.1], tolerance: 1e-7);
        optimizer.StepCount.ShouldBe(1);
    }

    [Fact]
    public void Gradient_clipping_scales_the_joint_norm_down_to_the_limit()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor([3.0]).requires_grad_();
        var b = torch.tensor([4.0]).requires_grad_();
        (a * a * 0.5 + b * b * 0.5).sum().backward(); // grads 3 and 4, norm 5

        var norm = torch.nn.utils.clip_grad_norm_([a, b], max_norm: 1.0);

        norm.ShouldBe(5.0, tolerance: 1e-9);
        a.grad!.ToDouble().ShouldBe(0.6, tolerance: 1e-6);
        b.grad!.ToDouble().ShouldBe(0.8, tolerance: 1e-6);
    }
}
