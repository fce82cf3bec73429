using System.Diagnostics;
using Portal.Ml.Embeddings;
using Portal.Ml.Onnx;
using Portal.Ml.Search.MiniLm;
using Portal.Ml.Tests.Fixtures;
using Portal.Ml.Tokenizers;

namespace Portal.Ml.Tests.Onnx;

/// <summary>
/// minilm on ONNX Runtime against reference_bert.py, an independent PyTorch BERT (Debian's python3-torch) reading the
/// converted model.safetensors: the ONNX graph, the conversion and the pooling all have to agree.
/// </summary>
public sealed class MiniLmPyTorchReferenceTests
{
    [TheoryWhenPyTorchExists]
    [InlineData("How do I reset my password?", "Tickets are sold at the pier kiosk, and the harbour ferry leaves every twenty minutes.")]
    public void Onnx_runtime_embeddings_match_the_independent_PyTorch_reference(string first, string second)
    {
        var tokenizer = WordPieceTokenizer.FromFile(Path.Combine(MiniLmFixture.Directory, MiniLmModelFiles.VocabularyFile));
        var rows = new[] { first, second }.Select(t => tokenizer.Encode(t, addSpecialTokens: true)).ToList();
        var length = rows.Max(r => r.Count);
        var work = Directory.CreateTempSubdirectory("minilm-reference").FullName;
        File.WriteAllText(Path.Combine(work, "ids.json"), System.Text.Json.JsonSerializer.Serialize(new
        {
            ids = rows.Select(r => r.Concat(Enumerable.Repeat(0, length - r.Count))),
            mask = rows.Select(r => Enumerable.Repeat(1, r.Count).Concat(Enumerable.Repeat(0, length - r.Count))),
        }));
        var output = Path.Combine(work, "embeddings.f32");

        var script = Path.Combine(FixtureFiles.Root, "reference_bert.py");
        using var process = Process.Start(new ProcessStartInfo(TheoryWhenPyTorchExistsAttribute.Python, [script, MiniLmFixture.BertDirectory, Path.Combine(work, "ids.json"), output])
            { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.ShouldBe(0, error);

        var onnx = new OnnxSentenceEncoder(OnnxSessions.Get(MiniLmFixture.ModelPath), tokenizer, new SentenceEmbedderOptions(), Pooling.Mean);
        var ours = onnx.Embed([first, second]).SelectMany(v => v).ToArray();
        var reference = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(output)).ToArray();

        ours.Length.ShouldBe(reference.Length);
        ours.Zip(reference, (a, b) => Math.Abs(a - b)).Max().ShouldBeLessThan(1e-4f);
    }
}
