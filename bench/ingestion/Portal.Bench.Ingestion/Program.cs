using Portal.Bench.Ingestion;

// end-to-end (default): the real app and database vs raw pdftotext.  stages: sandboxed parse + chunk only.
// latency [jobs]: enqueue → start of ingestion jobs, on one idle node and across two processes.
// mutate [count]: the mutation run.
return args.FirstOrDefault() switch
{
    "end-to-end" => await EndToEndBench.RunAsync(),
    "stages" or "throughput" => await ThroughputBench.RunAsync(),
    "latency" => await JobLatencyBench.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 60),
    "mutate" => await MutationRun.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Portal.Bench.Ingestion end-to-end | stages | latency [jobs] | mutate [count]");
    return 2;
}
