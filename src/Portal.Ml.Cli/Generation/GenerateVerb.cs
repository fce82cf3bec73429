using System.Globalization;
using Portal.Ml.Adapters;
using Portal.Ml.Generation;
using Portal.Ml.Models.HuggingFace;
using Portal.Ml.Serving;
using Portal.Ml.Tokenizers;

namespace Portal.Ml.Cli.Generation;

/// <summary>
/// <c>generate</c>: streams a completion of a prompt (as a chat turn when the model has a chat template) through the
/// same path the chat endpoint's local generator uses: <see cref="LocalModelServer"/>, KV-cached, the adapter unmerged.
/// </summary>
internal sealed class GenerateVerb : ICliVerb
{
    private const string Caller = "cli";

    public string Name => "generate";

    public string Usage => "--base DIR [--adapter DIR] --prompt TEXT [--max-tokens N] [--temperature T] [--top-p P] [--top-k K] [--seed S] [--stop TEXT] [--raw]";

    public async Task<int> RunAsync(CliArguments arguments, TextWriter output, CancellationToken ct)
    {
        using var directory = HuggingFaceModelDirectory.Load(arguments.Required("base"));
        var adapter = arguments.Optional("adapter");
        using var adapters = new AdapterRegistry(_ => PeftAdapterFormat.Load(adapter!));
        var server = LocalModelServer.For(directory, adapters);
        if (adapter is not null)
        {
            using var lease = adapters.Acquire(Caller, Caller);
            output.WriteLine($"adapter {adapter}: {lease.Adapter!.Layers.Count} LoRA modules");
        }

        var prompt = arguments.Required("prompt");
        var promptIds = arguments.Flag("raw") ? directory.Tokenizer.Encode(prompt) : server.EncodeChat([new ChatMessage("user", prompt)]);
        var options = new GenerationOptions
        {
            MaxNewTokens = arguments.Int("max-tokens", 64),
            Temperature = arguments.Double("temperature", 0.0),
            TopP = arguments.Double("top-p", 1.0),
            TopK = arguments.Int("top-k", 0),
            Seed = arguments.Optional("seed") is null ? null : arguments.Int("seed", 0),
            StopSequences = arguments.Optional("stop") is { } stop ? [stop] : [],
        };
        output.WriteLine($"prompt: {promptIds.Count} tokens; generating up to {options.MaxNewTokens} (temperature {options.Temperature.ToString(CultureInfo.InvariantCulture)})");

        var served = await server.GenerateAsync(Caller, adapter is null ? null : Caller, promptIds, options, new WriteThrough(output), ct);
        var result = served.Result;
        output.WriteLine();
        CliArguments.WriteSummary(output, new
        {
            tokens = result.TokenIds.Count,
            prompt_tokens = result.PromptTokens,
            finish = result.FinishReason.ToString().ToLowerInvariant(),
            seconds = Math.Round(result.Seconds, 3),
            tokens_per_second = Math.Round(result.TokensPerSecond, 1),
        });
        return 0;
    }

    /// <summary>Writes each delta as it arrives (Progress&lt;T&gt; would post to the thread pool and reorder them).</summary>
    private sealed class WriteThrough(TextWriter output) : IProgress<string>
    {
        public void Report(string value)
        {
            output.Write(value);
            output.Flush();
        }
    }
}
