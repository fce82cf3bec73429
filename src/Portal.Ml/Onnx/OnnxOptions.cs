namespace Portal.Ml.Onnx;

/// <summary>The <c>Ml:Onnx</c> configuration section: where encoder inference on ONNX Runtime runs.</summary>
public sealed record OnnxOptions
{
    public const string SectionName = "Ml:Onnx";

    /// <summary>
    /// <c>cpu</c> (default), <c>cuda</c> or <c>cuda:N</c>. The CUDA execution provider of Microsoft.ML.OnnxRuntime.Gpu 1.31
    /// needs the CUDA 13 runtime and cuDNN 9 on the node; without them the session logs why and runs on CPU.
    /// </summary>
    public string Provider { get; init; } = "cpu";

    /// <summary>Threads per inference call; 0 lets ONNX Runtime use one per core.</summary>
    public int IntraOpThreads { get; init; }
}
