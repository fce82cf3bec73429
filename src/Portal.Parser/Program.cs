using Portal.Documents.Detection;
using Portal.Documents.Parsing;
using Portal.Documents.Sandbox;

// The sandboxed child. "--worker": parse one JSON request per stdin line, answer one JSON outcome per stdout line.
// "<file> [format]": parse one file and print its outcome as JSON. Nothing else may write to stdout.
var stdout = Console.Out;
Console.SetOut(TextWriter.Null);

if (args.Length == 1 && args[0] == ParserProtocol.WorkerArgument)
{
    while (Console.In.ReadLine() is { } line)
    {
        var request = ParserProtocol.Deserialize<ParseRequest>(line);
        var outcome = request is null
            ? ParseOutcome.Fatal(ParseFailureReason.Malformed, "The parse request was empty.")
            : ParseOnLargeStack(request);
        stdout.WriteLine(ParserProtocol.Serialize(outcome));
        stdout.Flush();
    }
    return 0;
}

if (args.Length is 1 or 2 && File.Exists(args[0]))
{
    var format = args.Length == 2 ? Enum.Parse<Portal.Documents.DocumentFormat>(args[1], ignoreCase: true) : FormatDetector.DetectFile(args[0]);
    var settings = ParserSettings.Default;
    var outcome = ParseOnLargeStack(new ParseRequest(Path.GetFullPath(args[0]), format, settings.Limits, settings.Ocr, settings.Tools, 120));
    stdout.WriteLine(ParserProtocol.Serialize(outcome));
    return outcome.Succeeded ? 0 : 1;
}

Console.Error.WriteLine("usage: Portal.Parser --worker | Portal.Parser <file> [format]");
return 2;

// Deeply nested documents recurse inside third-party parsers; a big stack turns most of those into results instead of crashes.
static ParseOutcome ParseOnLargeStack(ParseRequest request)
{
    ProcessSignals.AllowMoreCpuSeconds(request.CpuSecondsPerFile);
    ParseOutcome? outcome = null;
    var thread = new Thread(() => outcome = DocumentParsers.Parse(request.Path, request.Format, request.Settings, CancellationToken.None), 256 * 1024 * 1024);
    thread.Start();
    thread.Join();
    return outcome ?? ParseOutcome.Fatal(ParseFailureReason.Crashed, "The parser produced no result.");
}
