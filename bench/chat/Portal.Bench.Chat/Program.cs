using Portal.Bench.Chat;

return args.FirstOrDefault() switch
{
    "latency" => await Run(() => Latency.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 10_000)),
    "cmrc" => await Run(CmrcAnswering.RunAsync),
    _ => Usage(),
};

static async Task<int> Run(Func<Task> bench) { await bench(); return 0; }
static int Usage() { Console.Error.WriteLine("usage: run.sh latency [CHUNKS] | cmrc"); return 2; }
