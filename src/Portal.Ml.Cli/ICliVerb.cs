namespace Portal.Ml.Cli;

/// <summary>
/// One command of the ML command line. <see cref="Name"/> may be several words ("model make-tiny", "train lora");
/// the dispatcher picks the verb whose words prefix the arguments, longest first.
/// </summary>
internal interface ICliVerb
{
    string Name { get; }

    /// <summary>The options, as printed by <c>--help</c>: "--base DIR --prompt TEXT [--max-tokens N]".</summary>
    string Usage { get; }

    /// <summary>Runs the verb; progress goes to <paramref name="output"/> line by line, ending with one JSON summary line.</summary>
    Task<int> RunAsync(CliArguments arguments, TextWriter output, CancellationToken ct);
}
