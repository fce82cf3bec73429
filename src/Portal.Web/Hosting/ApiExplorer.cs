using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Portal.Web.Hosting;

/// <summary>
/// The OpenAPI document names the three ways in (the portal's cookie, bearer tokens, secret API keys) and every
/// operation that needs one says so; Scalar's explorer at <c>/scalar/v1</c> reads the document.
/// </summary>
internal static class ApiExplorer
{
    public const string Cookie = "cookie";
    public const string Bearer = "bearer";
    public const string ApiKey = "apiKey";

    public static OpenApiOptions AddPortalSecuritySchemes(this OpenApiOptions options) => options
        .AddDocumentTransformer((doc, _, _) =>
        {
            doc.Components ??= new OpenApiComponents();
            doc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            doc.Components.SecuritySchemes[Cookie] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Cookie, Name = "portal.auth",
                Description = "The portal's sign-in cookie; writes also need the RequestVerificationToken header the page rendered.",
            };
            doc.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer",
                Description = "An access token from POST /api/v1/auth/login, or a secret API key (kb_sk_…).",
            };
            doc.Components.SecuritySchemes[ApiKey] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-Api-Key",
                Description = "A secret API key (kb_sk_…); widget endpoints take a publishable key in X-Widget-Key instead.",
            };
            return Task.CompletedTask;
        })
        .AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<Microsoft.AspNetCore.Authorization.IAllowAnonymous>().Any()
                || !metadata.OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Any()) return Task.CompletedTask;
            var doc = context.Document;
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, doc)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKey, doc)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Cookie, doc)] = [] },
            ];
            return Task.CompletedTask;
        });

    public static IEndpointRouteBuilder MapApiExplorer(this IEndpointRouteBuilder app)
    {
        app.MapScalarApiReference(o => o.WithTitle("Portal API")).AllowAnonymous();
        return app;
    }
}
