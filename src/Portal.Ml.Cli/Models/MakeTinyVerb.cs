using System.Diagnostics;
using Portal.Ml.Models.HuggingFace;

namespace Portal.Ml.Cli.Models;

/// <summary><c>model make-tiny</c>: a small random Qwen2, Llama or BERT written as a Hugging Face directory.</summary>
internal sealed class MakeTinyVerb : ICliVerb
{
    public string Name => "model make-tiny";

    public string Usage => "--family qwen2|llama|bert --out DIR [--text FILE] [--vocab N] [--seed S]";

    public Task<int> RunAsync(CliArguments arguments, TextWriter output, CancellationToken ct)
    {
        var family = arguments.Required("family") switch
        {
            "qwen2" => TinyModelFamily.Qwen2,
            "llama" => TinyModelFamily.Llama,
            "bert" => TinyModelFamily.Bert,
            var other => throw new CliUsageException($"unknown family '{other}'"),
        };
        var directory = arguments.Required("out");
        var textFile = arguments.Optional("text");
        var text = textFile is null ? TinyModelFactory.SampleText : File.ReadAllText(textFile);
        var options = new TinyModelOptions { VocabularySize = arguments.Int("vocab", 512), Seed = arguments.Int("seed", 0) };

        var clock = Stopwatch.StartNew();
        output.WriteLine($"training a {options.VocabularySize}-token tokenizer on {text.Length} characters");
        var written = TinyModelFactory.Write(family, directory, text, options);
        output.WriteLine($"wrote {written.Parameters} parameters to {Path.GetFullPath(directory)}");
        CliArguments.WriteSummary(output, new
        {
            family = family.ToString().ToLowerInvariant(),
            @out = Path.GetFullPath(directory),
            parameters = written.Parameters,
            vocabulary = written.VocabularySize,
            steps = 0,
            final_loss = (double?)null,
            seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
        });
        return Task.FromResult(0);
    }
}
