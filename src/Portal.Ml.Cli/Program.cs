using Portal.Ml.Cli;

// `./portal model …`, `./portal generate …`, `./portal train …`: one verb table, one dispatcher.
ICliVerb[] verbs =
[
    new Portal.Ml.Cli.Models.MakeTinyVerb(),
    new Portal.Ml.Cli.Generation.GenerateVerb(),
    new Portal.Ml.Cli.Training.TrainLoraVerb(),
    new Portal.Ml.Cli.Training.TrainEmbedVerb(),
];

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancellation.Cancel(); };
return await VerbDispatcher.RunAsync(verbs, args, Console.Out, Console.Error, cancellation.Token);
