using System.Diagnostics;
using Portal.Ml.Models.HuggingFace;
using Portal.Ml.Tests.Models;

namespace Portal.Ml.Tests.Fixtures;

/// <summary>
/// A partial parity check that runs here: the same safetensors weights through reference_qwen2.py, an independent
/// PyTorch implementation of the Hugging Face equations (Debian's python3-torch; transformers is not needed).
/// </summary>
public sealed class PyTorchReferenceTests
{
    [TheoryWhenPyTorchExists]
    [InlineData(TinyModelFamily.Qwen2)]
    [InlineData(TinyModelFamily.Llama)]
    public void Forward_matches_the_independent_PyTorch_reference(TinyModelFamily family)
    {
        var path = TinyModels.Directory(family);
        long[][] ids = [[5, 17, 42, 99, 3, 250, 7, 8, 120, 64, 1, 2, 30, 31], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 11, 12, 13, 14]];
        var work = Directory.CreateTempSubdirectory("reference").FullName;
        File.WriteAllText(Path.Combine(work, "ids.json"), System.Text.Json.JsonSerializer.Serialize(ids));
        var output = Path.Combine(work, "logits.f32");

        var script = Path.Combine(FixtureFiles.Root, "reference_qwen2.py");
        using var process = Process.Start(new ProcessStartInfo(TheoryWhenPyTorchExistsAttribute.Python, [script, path, Path.Combine(work, "ids.json"), output])
            { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.ShouldBe(0, error);

        using var directory = HuggingFaceModelDirectory.Load(path);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var logits = directory.RequireCausalLanguageModel().Forward(torch.tensor(ids.SelectMany(r => r).ToArray(), [2, 14]));
        var reference = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(output)).ToArray();
        var ours = logits.data<float>();

        ours.Length.ShouldBe(reference.Length);
        ours.Zip(reference, (a, b) => Math.Abs(a - b)).Max().ShouldBeLessThan(1e-4f);
    }
}
