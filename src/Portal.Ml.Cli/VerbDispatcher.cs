namespace Portal.Ml.Cli;

internal static class VerbDispatcher
{
    public static async Task<int> RunAsync(IReadOnlyList<ICliVerb> verbs, string[] args, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var verb = verbs
            .Select(v => (verb: v, words: v.Name.Split(' ')))
            .Where(v => v.words.Length <= args.Length && v.words.SequenceEqual(args.Take(v.words.Length), StringComparer.Ordinal))
            .OrderByDescending(v => v.words.Length)
            .FirstOrDefault();
        if (verb.verb is null)
        {
            error.WriteLine("usage:");
            foreach (var v in verbs)
                error.WriteLine($"  {v.Name} {v.Usage}");
            return args.Length == 0 || args[0] is "help" or "--help" or "-h" ? 0 : 2;
        }

        try
        {
            var arguments = CliArguments.Parse(args[verb.words.Length..]);
            if (arguments.Flag("help"))
            {
                output.WriteLine($"usage: {verb.verb.Name} {verb.verb.Usage}");
                return 0;
            }
            return await verb.verb.RunAsync(arguments, output, ct);
        }
        catch (CliUsageException e)
        {
            error.WriteLine($"{verb.verb.Name}: {e.Message}");
            error.WriteLine($"usage: {verb.verb.Name} {verb.verb.Usage}");
            return 2;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine($"{verb.verb.Name}: cancelled");
            return 130;
        }
    }
}
