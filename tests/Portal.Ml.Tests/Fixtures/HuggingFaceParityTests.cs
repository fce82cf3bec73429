using System.Text.Json.Nodes;
using Portal.Ml.Models.HuggingFace;
using Portal.Ml.Serialization;

namespace Portal.Ml.Tests.Fixtures;

// Needs fixtures written by transformers itself: run Fixtures/make_hf_fixtures.py on a GPU node or any machine
// with transformers. This machine has no transformers, so these are skipped, not faked.
public sealed class HuggingFaceParityTests
{
    private const string Reason = "no Hugging Face fixtures: transformers is not installed on this machine; run tests/Portal.Ml.Tests/Fixtures/make_hf_fixtures.py on a GPU node or any machine with transformers";

    [FactWhenFixturesExist("hf/tokenizer_cases.json", Reason)]
    public void Tokenizer_ids_match_hugging_face_fixtures()
    {
        var tokenizers = new Dictionary<string, Portal.Ml.Tokenizers.ITokenizer>
        {
            ["qwen2"] = HuggingFaceModelDirectory.LoadTokenizer(Path.Combine(FixtureFiles.HuggingFace, "qwen2")),
            ["bert"] = HuggingFaceModelDirectory.LoadTokenizer(Path.Combine(FixtureFiles.HuggingFace, "bert")),
        };
        foreach (var item in JsonNode.Parse(File.ReadAllText(Path.Combine(FixtureFiles.HuggingFace, "tokenizer_cases.json")))!.AsArray())
        {
            var name = (string)item!["tokenizer"]!;
            var text = (string)item["text"]!;
            var expected = item["ids"]!.AsArray().Select(n => n!.GetValue<int>()).ToList();
            tokenizers[name].Encode(text, addSpecialTokens: name == "bert").ShouldBe(expected, $"{name}: {text}");
        }
    }

    [FactWhenFixturesExist("hf/qwen2_expected.safetensors", Reason)]
    public void Qwen2_logits_match_hugging_face()
    {
        using var directory = HuggingFaceModelDirectory.Load(Path.Combine(FixtureFiles.HuggingFace, "qwen2"));
        using var expected = new SafeTensorsReader(Path.Combine(FixtureFiles.HuggingFace, "qwen2_expected.safetensors"));
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();

        var logits = directory.RequireCausalLanguageModel().Forward(expected.Load("input_ids"));

        (logits - expected.Load("logits")).abs().max().ToDouble().ShouldBeLessThan(1e-4);
    }

    [FactWhenFixturesExist("hf/bert_expected.safetensors", Reason)]
    public void Bert_hidden_states_match_hugging_face()
    {
        using var directory = HuggingFaceModelDirectory.Load(Path.Combine(FixtureFiles.HuggingFace, "bert"));
        using var expected = new SafeTensorsReader(Path.Combine(FixtureFiles.HuggingFace, "bert_expected.safetensors"));
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();

        var mask = expected.Load("attention_mask");
        var hidden = directory.RequireEncoder().Forward(expected.Load("input_ids"), mask);

        // Only real tokens: Hugging Face's padded positions carry no meaning.
        var real = mask.to(torch.float32).unsqueeze(-1);
        ((hidden - expected.Load("last_hidden_state")) * real).abs().max().ToDouble().ShouldBeLessThan(1e-4);
    }
}
