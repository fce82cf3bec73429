using Portal.Bench.Retrieval;

return args.FirstOrDefault() switch
{
    "cmrc" => await Run(Cmrc.RunAsync),
    "scale" => await Run(() => Scale.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 1_000_000)),
    "embed" => await Run(EmbedThroughput.RunAsync),
    "embedder-weights" => await Run(EmbedderTuning.RunAsync),
    _ => Usage(),
};

static async Task<int> Run(Func<Task> bench) { await bench(); return 0; }
static int Usage() { Console.Error.WriteLine("usage: run.sh cmrc | scale [CHUNKS] | embed | embedder-weights"); return 2; }
