using Portal;
using Portal.Billing;
using Portal.Documents;
using Portal.Jobs;
using Portal.Search.Vectors;
using Portal.Ml.Chat;
using Portal.Ml.Search;
using Portal.Review;
using Portal.Chat;
using Portal.Search;
using Portal.Web;
using Portal.Web.Features.Account;
using Portal.Web.Features.Chat;
using Portal.Web.Features.Curation;
using Portal.Web.Features.ApiKeys;
using Portal.Web.Features.Billing;
using Portal.Web.Features.Documents;
using Portal.Health;
using Portal.Web.Features.Jobs;
using Portal.Web.Features.Me;
using Portal.Web.Features.KnowledgeBases;
using Portal.KnowledgeBases;
using Portal.Web.Features.Members;
using Portal.Web.Features.Review;
using Portal.Web.Features.Search;
using Portal.Web.Features.Widget;
using Portal.Web.Live;

// The content root is the checkout or install directory, which also holds .data (PostgreSQL's files, blobs, parser
// scratch): the default inotify watcher behind reloadable configuration watches it recursively and wakes on every
// database write. Configuration files are polled instead (every few seconds, only the files themselves).
if (Environment.GetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER") is null)
    Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "1");
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddPortalCore();
builder.Services.AddPortalBilling();
builder.Services.AddPortalSearch();
builder.Services.AddPortalReview();
builder.Services.AddPortalMlEmbedders(builder.Configuration);
builder.Services.AddPortalChat();
builder.Services.AddPortalLocalChatModel();
builder.Services.AddPortalCuration();
builder.AddPortalWeb();
builder.Services.AddPortalLiveEvents();
builder.AddPortalWidget();
builder.Services.AddPortalDocuments(builder.Configuration);
builder.Services.AddEmbeddingBackfillJob();
builder.Services.AddPortalJobs();
builder.Services.AddJobsDashboardPolicy();

var app = builder.Build();
if (SearchCommands.IsCommand(args))
    return await SearchCommands.RunAsync(app, args);
if (PortalCommands.IsCommand(args))
    return await PortalCommands.RunAsync(app, args);
if (AdminCommands.IsCommand(args))
    return await AdminCommands.RunAsync(app, args);

await app.MigrateOnStartupAsync();
app.UsePortalPipeline();

app.MapHealthEndpoints();
app.MapAccountEndpoints();
app.MapMeEndpoints();
app.MapApiKeyEndpoints();
app.MapMemberEndpoints();
app.MapSearchEndpoints();
app.MapFeedbackEndpoints();
app.MapReviewEndpoints();
app.MapWidgetEndpoints();
app.MapWidgetPreviewEndpoints();
app.MapKnowledgeBaseEndpoints();
app.MapDocumentEndpoints();
app.MapChatEndpoints();
app.MapQaPairEndpoints();
app.MapBillingEndpoints();
app.MapJobsDashboard();
app.MapPortalUi();

await app.RunAsync();
return 0;

public partial class Program;
