using Portal;
using Portal.Web;
using Portal.Web.Features.Account;
using Portal.Web.Features.ApiKeys;
using Portal.Web.Features.Documents;
using Portal.Web.Features.Health;
using Portal.Web.Features.Me;
using Portal.Web.Features.KnowledgeBases;
using Portal.Web.Features.Members;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddPortalCore();
builder.AddPortalWeb();
builder.AddPortalDocuments();

var app = builder.Build();
if (PortalCommands.IsCommand(args))
    return await PortalCommands.RunAsync(app, args);

await app.MigrateOnStartupAsync();
app.UsePortalPipeline();

app.MapHealthEndpoints();
app.MapAccountEndpoints();
app.MapMeEndpoints();
app.MapApiKeyEndpoints();
app.MapMemberEndpoints();
app.MapKnowledgeBaseEndpoints();
app.MapDocumentEndpoints();
app.MapPortalUi();

await app.RunAsync();
return 0;

public partial class Program;
