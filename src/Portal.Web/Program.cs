using Portal;
using Portal.Ml.Search;
using Portal.Search;
using Portal.Web;
using Portal.Web.Features.Account;
using Portal.Web.Features.ApiKeys;
using Portal.Web.Features.Health;
using Portal.Web.Features.Me;
using Portal.Web.Features.Members;
using Portal.Web.Features.Search;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddPortalCore();
builder.Services.AddPortalSearch();
builder.Services.AddPortalMlEmbedders(builder.Configuration);
builder.AddPortalWeb();

var app = builder.Build();
if (SearchCommands.IsCommand(args))
    return await SearchCommands.RunAsync(app, args);
if (PortalCommands.IsCommand(args))
    return await PortalCommands.RunAsync(app, args);

await app.MigrateOnStartupAsync();
app.UsePortalPipeline();

app.MapHealthEndpoints();
app.MapAccountEndpoints();
app.MapMeEndpoints();
app.MapApiKeyEndpoints();
app.MapMemberEndpoints();
app.MapSearchEndpoints();
app.MapPortalUi();

await app.RunAsync();
return 0;

public partial class Program;
