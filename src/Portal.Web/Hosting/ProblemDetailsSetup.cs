using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Portal.Web.Hosting;

/// <summary>
/// Every error leaves as ProblemDetails with a stable <c>type</c> (<c>urn:portal:problem:{code}</c>)
/// and a trace id, never a stack trace.
/// </summary>
internal static class ProblemDetailsSetup
{
    public const string TypePrefix = "urn:portal:problem:";

    public static IServiceCollection AddPortalProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            var p = ctx.ProblemDetails;
            if (p.Type is null || !p.Type.StartsWith(TypePrefix, StringComparison.Ordinal))
                p.Type = TypePrefix + CodeFor(p.Status ?? ctx.HttpContext.Response.StatusCode);
            // 401s stay byte-identical whatever the cause, so they carry no per-request id.
            if (p.Status == 401) p.Extensions.Remove("traceId");
            else p.Extensions["traceId"] = ctx.HttpContext.TraceIdentifier;
            p.Instance ??= ctx.HttpContext.Request.Path;
        });
        services.AddExceptionHandler<PortalExceptionHandler>();
        // Binding failures throw, so the handler can say what was wrong instead of an empty 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
            o.SerializerOptions.Converters.Add(new FiniteDoubleConverter());
            o.SerializerOptions.Converters.Add(new FiniteSingleConverter());
        });
        return services;
    }

    public static string CodeFor(int status) => status switch
    {
        400 => "bad-request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not-found",
        405 => "method-not-allowed",
        402 => "payment-required",
        409 => "conflict",
        413 => "payload-too-large",
        415 => "unsupported-media-type",
        422 => "unprocessable",
        429 => "rate-limited",
        503 => "unavailable",
        _ => status >= 500 ? "server-error" : "error",
    };
}

internal sealed partial class PortalExceptionHandler(IProblemDetailsService problems, ILogger<PortalExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var (status, code, title, detail) = exception switch
        {
            PortalException p => (p.Status, p.Code, TitleFor(p.Status), p.Message),
            BadHttpRequestException { StatusCode: 413 } => (413, "payload-too-large", "Request body too large",
                "The request body exceeds the size limit of this endpoint."),
            BadHttpRequestException { StatusCode: 400 } b when BindingErrors.Describe(b) is not null => (400, "validation", TitleFor(400), null),
            BadHttpRequestException b => (b.StatusCode, b.StatusCode == 400 ? "bad-request" : ProblemDetailsSetup.CodeFor(b.StatusCode),
                TitleFor(b.StatusCode), BindingErrors.Summary(b)),
            OperationCanceledException when http.RequestAborted.IsCancellationRequested => (499, "cancelled", "Request cancelled", null),
            _ => (500, "server-error", "An unexpected error occurred", "The error was logged; quote the trace id when reporting it."),
        };
        if (status >= 500) LogUnhandled(exception, http.Request.Path);
        if (http.Response.HasStarted) return true;
        http.Response.StatusCode = status;
        var problem = exception is BadHttpRequestException bad && code == "validation" && BindingErrors.Describe(bad) is { } errors
            ? new HttpValidationProblemDetails(errors) { Detail = "One or more fields are invalid." }
            : new ProblemDetails { Detail = detail };
        (problem.Status, problem.Title, problem.Type) = (status, title, ProblemDetailsSetup.TypePrefix + code);
        if (exception is PortalException { Extensions: var extensions })
            foreach (var (name, value) in extensions) problem.Extensions[name] = value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, Exception = exception, ProblemDetails = problem });
    }

    private static string TitleFor(int status) => status switch
    {
        400 => "The request is invalid",
        402 => "Payment required",
        403 => "Forbidden",
        404 => "Not found",
        409 => "Conflict",
        413 => "Request body too large",
        415 => "Unsupported media type",
        429 => "Too many requests",
        503 => "Service unavailable",
        _ => "The request failed",
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Path}")]
    private partial void LogUnhandled(Exception exception, string path);
}
