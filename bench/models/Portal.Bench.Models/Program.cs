using System.Diagnostics;
using System.Text;
using Portal.Ml;
using Portal.Ml.Adapters;
using Portal.Ml.Embeddings;
using Portal.Ml.Generation;
using Portal.Ml.Models;
using Portal.Ml.Models.HuggingFace;
using Portal.Ml.Serving;
using Portal.Ml.Tokenizers;

// Prints one "name=value" line per figure: tokenizer MB/s (one thread), generation tokens/s, embedding chunks/s.
// Arguments: [threads] [all|generate] — "generate" prints only the generation lines (for interleaved repeats).
var threads = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : Environment.ProcessorCount;
var all = args.Length < 2 || args[1] == "all";
torch.set_num_threads(threads);
var work = Directory.CreateTempSubdirectory("portal-bench-models").FullName;

var corpus = new StringBuilder();
var random = new Random(1);
string[] pieces = ["Portal answers questions from a knowledge base.", "知识库问答：上传文档，提出问题，答案会引用来源。", "Emoji 🙂 and numbers 12345;", "  tabs\tand\nnewlines ", "Don't re-index tenant #42's PDFs!"];
while (corpus.Length < 2_000_000)
    corpus.Append(pieces[random.Next(pieces.Length)]).Append(' ').Append(random.Next(100000)).Append(' ');
var text = corpus.ToString();
var megabytes = Encoding.UTF8.GetByteCount(text) / 1e6;

TinyModelFactory.Write(TinyModelFamily.Qwen2, Path.Combine(work, "qwen2"), string.Concat(Enumerable.Repeat(TinyModelFactory.SampleText, 20)) + text[..4000],
    new TinyModelOptions { VocabularySize = 1000 });
if (all)
{
    var bpe = HuggingFaceModelDirectory.LoadTokenizer(Path.Combine(work, "qwen2"));
    Measure("bpe_mb_per_s", () => bpe.Encode(text).Count);

    TinyModelFactory.Write(TinyModelFamily.Bert, Path.Combine(work, "bert-vocab"), text[..100000], new TinyModelOptions { VocabularySize = 4000 });
    var wordPiece = HuggingFaceModelDirectory.LoadTokenizer(Path.Combine(work, "bert-vocab"));
    Measure("wordpiece_mb_per_s", () => wordPiece.Encode(text).Count);
}

// Generation: the tiny Qwen2 shape (2 layers, hidden 64, GQA 4/2), greedy, 128 new tokens after a 32-token prompt.
using (var directory = HuggingFaceModelDirectory.Load(Path.Combine(work, "qwen2")))
{
    var prompt = directory.Tokenizer.Encode(text[..400]).Take(32).ToList();
    var options = new GenerationOptions { MaxNewTokens = 128 };
    await Generator.GenerateAsync(directory.RequireCausalLanguageModel(), directory.Tokenizer, prompt, options with { MaxNewTokens = 8 });
    var result = await Generator.GenerateAsync(directory.RequireCausalLanguageModel(), directory.Tokenizer, prompt, options);
    Console.WriteLine($"generate_tokens_per_s={result.TokensPerSecond:F1}");
}

// Serving: the same generation through LocalModelServer with a rank-8 adapter on every linear layer, applied
// unmerged per request (ADR 0006); its ratio to the line above is the adapter's cost.
using (var directory = HuggingFaceModelDirectory.Load(Path.Combine(work, "qwen2")))
{
    torch.manual_seed(1);
    var adapter = new Dictionary<string, Tensor>();
    foreach (var (name, module) in directory.RequireCausalLanguageModel().Root.named_modules())
        if (module is Portal.Ml.Modules.Linear linear)
        {
            adapter[$"base_model.model.{name}.lora_A.weight"] = torch.randn([8, linear.in_features]).mul(0.02);
            adapter[$"base_model.model.{name}.lora_B.weight"] = torch.randn([linear.out_features, 8]).mul(0.02);
        }
    PeftAdapterFormat.Write(Path.Combine(work, "adapters", "bench", "v1"), adapter, new AdapterConfig(8, 16, 0, ["all-linear"], "qwen2"));
    using var registry = new AdapterRegistry(Path.Combine(work, "adapters"));
    var server = LocalModelServer.For(directory, registry);
    var prompt = directory.Tokenizer.Encode(text[..400]).Take(32).ToList();
    var options = new GenerationOptions { MaxNewTokens = 128, StopTokenIds = [-1] };
    await server.GenerateAsync("bench", "v1", prompt, options with { MaxNewTokens = 8 });
    var served = await server.GenerateAsync("bench", "v1", prompt, options);
    Console.WriteLine($"serve_adapter_tokens_per_s={served.Result.TokensPerSecond:F1}");
}

// Embedding: MiniLM shape (6 layers, hidden 384, 12 heads, intermediate 1536), 128-token chunks, batches of 32.
if (all)
using (var encoder = new BertModel(new BertConfig { VocabularySize = 30522, HiddenSize = 384, NumHiddenLayers = 6, NumAttentionHeads = 12, IntermediateSize = 1536 }))
{
    encoder.eval();
    const int batch = 32, length = 128, batches = 4;
    var ids = torch.randint(30522, [batch, length], torch.int64);
    var mask = torch.ones([batch, length], torch.int64);
    void Run()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        encoder.Forward(ids, mask).sum().ToDouble();
    }
    Run();
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < batches; i++)
        Run();
    Console.WriteLine($"embed_chunks_per_s={batch * batches / clock.Elapsed.TotalSeconds:F1}");
}

if (all)
{
    TokenizerPeer.Run(work, text);
    MiniLmThroughput.Run(work, text, threads);
}

void Measure(string name, Func<int> encode)
{
    encode();
    var best = double.MaxValue;
    for (var round = 0; round < 3; round++)
    {
        var clock = Stopwatch.StartNew();
        encode();
        best = Math.Min(best, clock.Elapsed.TotalSeconds);
    }
    Console.WriteLine($"{name}={megabytes / best:F1}");
}
