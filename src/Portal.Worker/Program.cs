using Portal;
using Portal.Billing;
using Portal.Documents;
using Portal.Health;
using Portal.Jobs;
using Portal.Ml.Search;
using Portal.Search;
using Portal.Search.Vectors;
using Portal.Worker;

// As on the web node: configuration files are polled, not watched (the content root holds the database's files).
if (Environment.GetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER") is null)
    Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "1");
var builder = WebApplication.CreateBuilder(WorkerArguments.Translate(args));
builder.Services.AddPortalCore();
builder.Services.AddPortalBilling();
builder.Services.AddPortalSearch();
builder.Services.AddPortalMlEmbedders(builder.Configuration);
builder.Services.AddPortalDocuments(builder.Configuration);
builder.Services.AddEmbeddingBackfillJob();
builder.Services.AddPortalJobs();
builder.Services.AddWorkerDefaults(builder.Configuration);

var app = builder.Build();
app.MapHealthEndpoints();
await app.RunAsync();
