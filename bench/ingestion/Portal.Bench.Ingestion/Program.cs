using Portal.Bench.Ingestion;

// end-to-end (default): the real app and database vs raw pdftotext.  stages: sandboxed parse + chunk only.
// latency [jobs]: enqueue → start of ingestion jobs, on one idle node and across two processes.
// takeover [kills]: kill -9 of a worker mid-document and mid-job, and the time until another worker has taken both over.
// mutate [count]: the mutation run.
return args.FirstOrDefault() switch
{
    "end-to-end" => await EndToEndBench.RunAsync(),
    "stages" or "throughput" => await ThroughputBench.RunAsync(),
    "latency" => await JobLatencyBench.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 60),
    "takeover" => await TakeoverBench.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5),
    "mutate" => await MutationRun.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Portal.Bench.Ingestion end-to-end | stages | latency [jobs] | takeover [kills] | mutate [count]");
    return 2;
}
