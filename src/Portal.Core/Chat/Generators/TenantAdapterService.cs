using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Tenancy;

namespace Portal.Chat.Generators;

/// <summary>The tenant's active adapter as the API shows it, and whether this node runs a local model at all.</summary>
public sealed record ActiveAdapterView(string? Version, bool LocalModelInstalled);

/// <summary>
/// Which LoRA adapter version the local generator serves for the tenant, kept in <c>tenant_settings.chat</c>
/// (<see cref="ChatSettings.AdapterVersionKey"/>, under the table's row-level security). Every answer reads it in its
/// own tenant transaction, so a change applies from the next question on while answers in flight finish on the old
/// version. Runs in the caller's tenant transaction.
/// </summary>
internal sealed class TenantAdapterService(PortalDbContext db, TenantContext tenant, IEnumerable<ILocalChatModel> models)
{
    private readonly ILocalChatModel? _model = models.LastOrDefault(m => m.IsInstalled);

    public async Task<ActiveAdapterView> GetAsync(CancellationToken ct)
    {
        var row = await db.TenantSettings.AsNoTracking().FirstOrDefaultAsync(ct);
        return new ActiveAdapterView(ReadVersion(row?.Chat), _model is not null);
    }

    /// <summary>Activates <paramref name="version"/> (null: the base model). A node with a local model refuses a version it cannot find.</summary>
    public async Task<ActiveAdapterView> PutAsync(string? version, CancellationToken ct)
    {
        if (version is not null && !AdapterVersions.IsValid(version))
            throw PortalException.Invalid("version is 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        if (version is not null && _model is not null && !_model.HasAdapter(tenant.RequiredTenantId, version))
            throw new PortalException("adapter-not-found", $"This node has no adapter '{version}' for the tenant.", 404);
        var row = await db.TenantSettings.FirstOrDefaultAsync(ct);
        if (row is null)
        {
            row = new TenantSettings { TenantId = tenant.RequiredTenantId };
            db.TenantSettings.Add(row);
        }
        var chat = JsonNode.Parse(row.Chat.RootElement.GetRawText()) as JsonObject ?? new JsonObject();
        if (version is null) chat.Remove(ChatSettings.AdapterVersionKey);
        else chat[ChatSettings.AdapterVersionKey] = version;
        (row.Chat, row.UpdatedAt) = (JsonDocument.Parse(chat.ToJsonString()), DateTimeOffset.UtcNow);
        await db.SaveChangesAsync(ct);
        return new ActiveAdapterView(version, _model is not null);
    }

    private static string? ReadVersion(JsonDocument? chat) =>
        chat?.RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty(ChatSettings.AdapterVersionKey, out var v)
        && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
