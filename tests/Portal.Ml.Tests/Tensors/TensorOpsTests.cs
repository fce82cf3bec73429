namespace Portal.Ml.Tests.Tensors;

public sealed class TensorOpsTests
{
    [Fact]
    public void Softmax_rows_sum_to_one()
    {
        using var scope = torch.NewDisposeScope();
        var rows = torch.tensor([1f, 2f, 3f, -1f, 0f, 1f], [2, 3]).softmax(-1).sum(-1);

        rows.data<float>().ShouldBe([1f, 1f], tolerance: 1e-6);
    }

    [Fact]
    public void Cross_entropy_ignores_targets_equal_to_ignore_index()
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.tensor([2f, 0f, 0f, 5f], [2, 2]);

        var withIgnored = torch.nn.functional.cross_entropy(logits, torch.tensor([0L, -100]), ignore_index: -100).ToDouble();
        var firstOnly = torch.nn.functional.cross_entropy(logits.narrow(0, 0, 1), torch.tensor([0L])).ToDouble();

        withIgnored.ShouldBe(firstOnly, tolerance: 1e-6);
        withIgnored.ShouldBe(Math.Log(1 + Math.Exp(-2)), tolerance: 1e-6);
    }

    [Fact]
    public void Topk_and_argmax_find_the_largest_entries()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor([0.1f, 0.7f, 0.2f, 0.9f]);

        var (values, indices) = x.topk(2);

        values.data<float>().ShouldBe([0.9f, 0.7f]);
        indices.data<long>().ShouldBe([3L, 1L]);
        x.argmax(0).ToDouble().ShouldBe(3);
    }

    [Fact]
    public void Multinomial_never_samples_a_zero_probability()
    {
        using var scope = torch.NewDisposeScope();
        EngineTestSetup.Deterministic(8);

        var samples = torch.tensor([0f, 1f, 0f, 3f]).multinomial(200, replacement: true).data<long>();

        samples.ShouldAllBe(s => s == 1 || s == 3);
        samples.ShouldContain(1L);
        samples.ShouldContain(3L);
    }

    [Fact]
    public void Triu_masked_fill_and_where_build_a_causal_mask()
    {
        using var scope = torch.NewDisposeScope();
        var future = torch.ones([3, 3], torch.@bool).triu(1);

        var masked = torch.zeros([3, 3]).masked_fill(future, -1.0);
        var chosen = torch.where(future, torch.ones([3, 3]), torch.full([3, 3], 2.0));

        masked.data<float>().ShouldBe([0f, -1f, -1f, 0f, 0f, -1f, 0f, 0f, 0f]);
        chosen.data<float>().ShouldBe([2f, 1f, 1f, 2f, 2f, 1f, 2f, 2f, 2f]);
    }

    [Fact]
    public void Shape_queries_report_dims_dtype_and_device()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.arange(0, 24, 1, torch.float32).reshape(2, 3, 4).permute(2, 0, 1);

        x.shape.ShouldBe([4L, 2L, 3L]);
        x.dim().ShouldBe(3);
        x.numel().ShouldBe(24);
        x.dtype.ShouldBe(ScalarType.Float32);
        x.device.ShouldBe(torch.CPU);
        x.to(torch.bfloat16).dtype.ShouldBe(ScalarType.BFloat16);
        x.to(torch.float16).to(torch.int64).contiguous().data<long>()[1].ShouldBe(4L); // x[0,0,1] = original[0,1,0]
    }

    [Fact]
    public void A_native_error_becomes_a_TorchException_with_libtorchs_message()
    {
        using var scope = torch.NewDisposeScope();

        var error = Should.Throw<TorchException>(() => torch.zeros([2, 3]).matmul(torch.zeros([2, 3])));

        error.Message.ShouldContain("cannot be multiplied");
    }

    [Fact]
    public void No_grad_scopes_stop_recording_and_restore_afterwards()
    {
        using var scope = torch.NewDisposeScope();
        var w = torch.ones([2], requires_grad: true);

        using (torch.no_grad())
            (w * 2.0).requires_grad.ShouldBeFalse();

        (w * 2.0).requires_grad.ShouldBeTrue();
    }

    [Fact]
    public void Dropout_zeroes_some_elements_in_training_and_none_in_eval()
    {
        using var scope = torch.NewDisposeScope();
        EngineTestSetup.Deterministic(3);
        var dropout = torch.nn.Dropout(0.5);
        var x = torch.ones([1000]);

        var trained = dropout.forward(x).data<float>();
        dropout.eval();
        var evaluated = dropout.forward(x).data<float>();

        trained.Count(v => v == 0).ShouldBeInRange(400, 600);
        trained.Where(v => v != 0).ShouldAllBe(v => v == 2f);
        evaluated.ShouldAllBe(v => v == 1f);
    }

    [Fact]
    public void Cuda_queries_answer_on_a_cpu_only_build()
    {
        torch.cuda.device_count().ShouldBe(torch.cuda.is_available() ? torch.cuda.device_count() : 0);
        torch.get_num_threads().ShouldBeGreaterThan(0);
    }
}
