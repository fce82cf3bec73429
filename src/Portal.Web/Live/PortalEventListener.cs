using System.Text.Json;
using Npgsql;

namespace Portal.Web.Live;

/// <summary>
/// Listens on PostgreSQL's <c>portal_events</c> channel (filled by the triggers of migration 0023) on one dedicated
/// connection and hands each event to <see cref="TenantEvents"/>. A lost connection is opened again after a pause;
/// events raised while it was down are not replayed, and pages reload their data when they reconnect.
/// </summary>
internal sealed partial class PortalEventListener(NpgsqlDataSource dataSource, TenantEvents events, ILogger<PortalEventListener> logger)
    : BackgroundService
{
    public const string Channel = "portal_events";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, n) => Relay(n.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                while (!stoppingToken.IsCancellationRequested) await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogListenFailed(e);
                try { await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    private void Relay(string payload)
    {
        try
        {
            if (JsonSerializer.Deserialize<PortalEvent>(payload, Json) is { } e) events.Publish(e);
        }
        catch (JsonException e)
        {
            LogBadPayload(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for live events failed; retrying")]
    private partial void LogListenFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A live event's payload could not be read")]
    private partial void LogBadPayload(Exception exception);
}
