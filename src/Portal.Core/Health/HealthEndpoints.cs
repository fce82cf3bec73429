using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using Portal.Data.Migrations;

namespace Portal.Health;

public sealed record HealthStatus(string Status, IReadOnlyList<string>? PendingMigrations = null, string? Error = null);

/// <summary>Liveness and readiness for orchestrators, on web and worker nodes alike.</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").WithTags("Health").AllowAnonymous().DisableRateLimiting();
        group.MapGet("/healthz", () => TypedResults.Ok(new HealthStatus("ok")));
        group.MapGet("/readyz", ReadyAsync);
        return app;
    }

    /// <summary>Ready when the database answers and every migration in this build is applied.</summary>
    private static async Task<Results<Ok<HealthStatus>, JsonHttpResult<HealthStatus>>> ReadyAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        try
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            var pending = await MigrationRunner.PendingAsync(conn, ct);
            return pending.Count == 0
                ? TypedResults.Ok(new HealthStatus("ready"))
                : TypedResults.Json(new HealthStatus("migrations pending", pending), statusCode: 503);
        }
        catch (NpgsqlException)
        {
            return TypedResults.Json(new HealthStatus("database unreachable", Error: "The database did not answer."), statusCode: 503);
        }
    }
}
