using Portal;
using Portal.Chat;
using Portal.Search;
using Portal.Web;
using Portal.Web.Features.Account;
using Portal.Web.Features.Chat;
using Portal.Web.Features.Curation;
using Portal.Web.Features.ApiKeys;
using Portal.Web.Features.Health;
using Portal.Web.Features.Me;
using Portal.Web.Features.Members;
using Portal.Web.Features.Search;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddPortalCore();
builder.Services.AddPortalSearch();
builder.Services.AddPortalChat();
builder.Services.AddPortalCuration();
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
app.MapChatEndpoints();
app.MapQaPairEndpoints();
app.MapPortalUi();

await app.RunAsync();
return 0;

public partial class Program;
