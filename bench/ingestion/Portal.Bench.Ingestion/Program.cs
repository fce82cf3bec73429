using Portal.Bench.Ingestion;

// throughput: sandboxed parse + chunk against raw pdftotext.  mutate [count]: the mutation run.
return args.FirstOrDefault() switch
{
    "throughput" => await ThroughputBench.RunAsync(),
    "mutate" => await MutationRun.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Portal.Bench.Ingestion throughput | mutate [count]");
    return 2;
}
