using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Portal.Chat;
using Portal.Chat.Generators;
using Portal.Outbound;
using Portal.Tenancy;
using Portal.Web.Auth;
using Portal.Web.Hosting;

namespace Portal.Web.Features.Chat;

internal static class ChatEndpoints
{
    public static IEndpointRouteBuilder MapChatEndpoints(this IEndpointRouteBuilder app)
    {
        // No TenantScope filter: its request-long transaction would stay open while the generator streams.
        app.MapGroup("/api/v1").WithTags("Chat").RequireAuthorization(PortalPolicies.TenantViewer).MapPost("/chat", AskAsync);

        var settings = app.MapGroup("/api/v1").WithTags("Chat").RequireAuthorization(PortalPolicies.TenantViewer).AddEndpointFilter<TenantScope>();
        settings.MapGet("/chat/settings", async (ChatSettingsService service, CancellationToken ct) => TypedResults.Ok(await service.GetAsync(ct)));
        settings.MapPut("/chat/settings", PutSettingsAsync).RequireAuthorization(PortalPolicies.TenantAdmin);
        settings.MapGet("/knowledge-bases/{kbId:guid}/generator", async (Guid kbId, ChatSettingsService service, CancellationToken ct) =>
            TypedResults.Ok(await service.GetGeneratorAsync(kbId, ct)));
        settings.MapPut("/knowledge-bases/{kbId:guid}/generator", PutGeneratorAsync).RequireAuthorization(PortalPolicies.TenantAdmin);
        settings.MapGet("/models/adapter", async (TenantAdapterService service, CancellationToken ct) => TypedResults.Ok(await service.GetAsync(ct)))
            .WithSummary("The tenant's active LoRA adapter version for the local generator (null: the base model).");
        settings.MapPut("/models/adapter", PutAdapterAsync).RequireAuthorization(PortalPolicies.TenantAdmin)
            .WithSummary("Activates an adapter version from {Ml:ChatModel:AdaptersDirectory}/{tenantId}/{version}/ (null: the base model).")
            .WithDescription("Owner/Admin. Questions asked after the change are answered with the new version; answers in flight finish on the old one. "
                + "A node running a local model answers 404 adapter-not-found for a version it does not have.");
        return app;
    }

    /// <summary>Answers a question with citations; <c>stream: true</c> answers as Server-Sent Events.</summary>
    private static async Task<Results<Ok<ChatAnswerBody>, ChatStream, ValidationProblem>> AskAsync(
        ChatBody body, HttpContext http, TenantContext tenant, IChatService chat, IOptions<ChatOptions> options)
    {
        var errors = ChatValidation.Validate(body, options.Value);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, type: ProblemDetailsSetup.TypePrefix + "validation");
        await TenantScope.ResolveAsync(http, tenant);
        var events = chat.AskAsync(ToRequest(body, http.User), http.RequestAborted).GetAsyncEnumerator(http.RequestAborted);
        try
        {
            // The first event comes before any byte is written: an unknown conversation is still a 404 ProblemDetails.
            if (!await events.MoveNextAsync()) throw new InvalidOperationException("The chat service produced no events.");
            if (body.Stream == true) return new ChatStream(events);
            ChatAnswer? answer = null;
            do if (events.Current is ChatDone done) answer = done.Answer;
            while (await events.MoveNextAsync());
            await events.DisposeAsync();
            return TypedResults.Ok(ChatAnswerBody.From(answer ?? throw new InvalidOperationException("The chat service did not finish.")));
        }
        catch
        {
            await events.DisposeAsync();
            throw;
        }
    }

    internal static ChatRequest ToRequest(ChatBody body, ClaimsPrincipal user)
    {
        var keyId = Guid.TryParse(user.FindFirstValue(PortalClaims.ApiKeyId), out var k) ? k : (Guid?)null;
        var userId = keyId is null && Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var u) ? u : (Guid?)null;
        return new ChatRequest(body.Message!.Trim(), body.ConversationId, body.KnowledgeBaseIds, ChatChannel.Api, userId, keyId);
    }

    private static async Task<Results<Ok<ChatSettingsView>, ValidationProblem>> PutSettingsAsync(
        ChatSettingsBody body, ChatSettingsService service, OutboundUrl urls, CancellationToken ct)
    {
        var errors = ChatValidation.Validate(body, urls);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, type: ProblemDetailsSetup.TypePrefix + "validation");
        return TypedResults.Ok(await service.PutAsync(body.IdkMessage, body.ConfidenceThreshold, body.CuratedThreshold,
            body.Generator is { } g ? Update(g) : null, ct));
    }

    private static async Task<Results<Ok<GeneratorView>, ValidationProblem>> PutGeneratorAsync(
        Guid kbId, GeneratorBody body, ChatSettingsService service, OutboundUrl urls, CancellationToken ct)
    {
        var errors = ChatValidation.Validate(body, urls);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, type: ProblemDetailsSetup.TypePrefix + "validation");
        return TypedResults.Ok(await service.PutGeneratorAsync(kbId, Update(body), ct));
    }

    private static async Task<Results<Ok<ActiveAdapterView>, ValidationProblem>> PutAdapterAsync(
        AdapterBody body, TenantAdapterService service, CancellationToken ct)
    {
        if (body.Version is { } version && !AdapterVersions.IsValid(version))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["version"] = ["1–64 letters, digits, '.', '_' or '-', starting with a letter or digit; null for the base model."],
            }, type: ProblemDetailsSetup.TypePrefix + "validation");
        return TypedResults.Ok(await service.PutAsync(body.Version, ct));
    }

    private static GeneratorUpdate Update(GeneratorBody g) => new(g.Kind, g.BaseUrl?.Trim(), g.Model?.Trim(), g.ApiKey, g.Settings);
}
