namespace Portal.Worker;

/// <summary>
/// The worker's own flags, as configuration: <c>--queues gpu,ingest</c> is <c>Jobs:Queues</c> and <c>--port 5090</c>
/// serves the health endpoints on 127.0.0.1:5090 (<c>--urls</c> for any other address). Everything else passes through.
/// </summary>
internal static class WorkerArguments
{
    public const int DefaultPort = 5090;

    public static string[] Translate(string[] args)
    {
        var translated = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--queues" when i + 1 < args.Length:
                    translated.Add($"--Jobs:Queues={args[++i]}");
                    break;
                case "--port" when i + 1 < args.Length:
                    translated.Add($"--urls=http://127.0.0.1:{args[++i]}");
                    break;
                default:
                    translated.Add(args[i]);
                    break;
            }
        }
        return [.. translated];
    }
}
