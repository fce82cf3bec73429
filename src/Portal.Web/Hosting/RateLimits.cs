using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Portal.Web.Auth;

namespace Portal.Web.Hosting;

internal sealed class RateLimitOptions
{
    [Range(1, 1_000_000)] public int PermitsPerMinutePerPrincipal { get; set; } = 600;
    [Range(1, 1_000_000)] public int PermitsPerMinutePerIp { get; set; } = 1200;
    [Range(1, 1_000_000)] public int SignInPermitsPerMinutePerIp { get; set; } = 30;
}

/// <summary>
/// Every request spends a token from its caller's bucket (API key or user) and from its IP's
/// bucket; an empty bucket answers 429 with Retry-After. Sign-in and registration have a
/// tighter per-IP bucket of their own.
/// </summary>
internal static class RateLimits
{
    public const string SignInPolicy = "sign-in";

    public static IServiceCollection AddPortalRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration("RateLimiting").ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http =>
                {
                    var who = PrincipalKey(http.User);
                    return who is null
                        ? RateLimitPartition.GetNoLimiter("anonymous")
                        : RateLimitPartition.GetTokenBucketLimiter(who, _ => Bucket(Options(http).PermitsPerMinutePerPrincipal));
                }),
                PartitionedRateLimiter.Create<HttpContext, string>(http =>
                    RateLimitPartition.GetTokenBucketLimiter(IpOf(http), _ => Bucket(Options(http).PermitsPerMinutePerIp))));
            o.AddPolicy(SignInPolicy, http =>
                RateLimitPartition.GetTokenBucketLimiter("sign-in:" + IpOf(http), _ => Bucket(Options(http).SignInPermitsPerMinutePerIp)));
            o.OnRejected = async (ctx, ct) =>
            {
                var seconds = ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry)
                    ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)) : 60;
                var http = ctx.HttpContext;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = 429, Title = "Too many requests", Type = ProblemDetailsSetup.TypePrefix + "rate-limited",
                        Detail = $"The rate limit was exceeded. Retry after {seconds} seconds.",
                    },
                });
            };
        });
        return services;
    }

    private static RateLimitOptions Options(HttpContext http) =>
        http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<RateLimitOptions>>().CurrentValue;

    /// <summary>A bucket of <paramref name="perMinute"/> permits, refilled every 5 s, with no queue: over the limit is refused at once.</summary>
    public static TokenBucketRateLimiterOptions Bucket(int perMinute) => new()
    {
        TokenLimit = perMinute,
        TokensPerPeriod = Math.Max(1, perMinute / 12),
        ReplenishmentPeriod = TimeSpan.FromSeconds(5),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static string? PrincipalKey(ClaimsPrincipal user) =>
        user.FindFirstValue(PortalClaims.ApiKeyId) is { } key ? "key:" + key
        : user.FindFirstValue(ClaimTypes.NameIdentifier) is { } id ? "user:" + id
        : null;

    private static string IpOf(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
