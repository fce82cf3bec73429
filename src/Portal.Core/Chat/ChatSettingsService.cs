using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Chat.Generators;
using Portal.Data;
using Portal.Outbound;
using Portal.Tenancy;

namespace Portal.Chat;

/// <summary>A generator as the API shows it: never the key itself, only whether one is stored.</summary>
public sealed record GeneratorView(string Kind, string? BaseUrl, string? Model, bool HasApiKey, JsonElement Settings, string Scope);

/// <summary><c>apiKey</c>: null keeps the stored key, "" removes it, anything else replaces it.</summary>
public sealed record GeneratorUpdate(string? Kind, string? BaseUrl, string? Model, string? ApiKey, JsonElement? Settings);

public sealed record ChatSettingsView(string IdkMessage, double ConfidenceThreshold, double CuratedThreshold, GeneratorView Generator);

/// <summary>Tenant chat settings and generator configs. Every method runs in the caller's tenant transaction.</summary>
internal sealed class ChatSettingsService(PortalDbContext db, TenantContext tenant, GeneratorSecrets secrets, IOptions<ChatOptions> options,
    OutboundUrl urls)
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;

    public async Task<ChatSettingsView> GetAsync(CancellationToken ct)
    {
        var row = await db.TenantSettings.AsNoTracking().FirstOrDefaultAsync(ct);
        var s = ChatSettings.From(row?.Chat, options.Value);
        return new(s.IdkMessage, s.ConfidenceThreshold, s.CuratedThreshold, await GeneratorAsync(null, ct));
    }

    public async Task<ChatSettingsView> PutAsync(string? idkMessage, double? confidenceThreshold, double? curatedThreshold,
        GeneratorUpdate? generator, CancellationToken ct)
    {
        var row = await db.TenantSettings.FirstOrDefaultAsync(ct);
        var current = ChatSettings.From(row?.Chat, options.Value);
        var updated = new ChatSettings(idkMessage?.Trim() ?? current.IdkMessage, confidenceThreshold ?? current.ConfidenceThreshold,
            curatedThreshold ?? current.CuratedThreshold);
        if (row is null)
            db.TenantSettings.Add(new TenantSettings { TenantId = tenant.RequiredTenantId, Chat = updated.MergeInto(null), UpdatedAt = DateTimeOffset.UtcNow });
        else
            (row.Chat, row.UpdatedAt) = (updated.MergeInto(row.Chat), DateTimeOffset.UtcNow);
        await db.SaveChangesAsync(ct);
        if (generator is not null) await PutGeneratorAsync(null, generator, ct);
        return await GetAsync(ct);
    }

    public async Task<GeneratorView> GetGeneratorAsync(Guid kbId, CancellationToken ct)
    {
        await RequireKnowledgeBaseAsync(kbId, ct);
        return await GeneratorAsync(kbId, ct);
    }

    public async Task<GeneratorView> PutGeneratorAsync(Guid? kbId, GeneratorUpdate update, CancellationToken ct)
    {
        if (kbId is { } id) await RequireKnowledgeBaseAsync(id, ct);
        if (update.BaseUrl is { } url && urls.Problem(url) is { } problem) throw PortalException.Invalid("baseUrl: " + problem);
        var config = await db.GeneratorConfigs.FirstOrDefaultAsync(g => g.KnowledgeBaseId == kbId, ct);
        if (config is null)
        {
            config = new GeneratorConfig { Id = Guid.CreateVersion7(), TenantId = tenant.RequiredTenantId, KnowledgeBaseId = kbId, Kind = GeneratorKinds.Extractive,
                CreatedAt = DateTimeOffset.UtcNow };
            db.GeneratorConfigs.Add(config);
        }
        config.Kind = update.Kind ?? config.Kind;
        config.BaseUrl = update.BaseUrl ?? config.BaseUrl;
        config.Model = update.Model ?? config.Model;
        if (update.ApiKey is { } key) config.SecretCiphertext = key.Length == 0 ? null : secrets.Protect(key);
        if (update.Settings is { } settings) config.Settings = JsonDocument.Parse(settings.GetRawText());
        config.UpdatedAt = DateTimeOffset.UtcNow;
        if (config.Kind == GeneratorKinds.OpenAi && (config.BaseUrl is null || config.Model is null))
            throw new PortalException("validation", "An openai generator needs baseUrl and model.");
        await db.SaveChangesAsync(ct);
        return await GeneratorAsync(kbId, ct);
    }

    /// <summary>The config that applies at this scope: the knowledge base's own, else the tenant's, else the built-in default.</summary>
    private async Task<GeneratorView> GeneratorAsync(Guid? kbId, CancellationToken ct)
    {
        var configs = await db.GeneratorConfigs.AsNoTracking().Where(g => g.KnowledgeBaseId == null || g.KnowledgeBaseId == kbId).ToListAsync(ct);
        var own = configs.FirstOrDefault(g => g.KnowledgeBaseId == kbId);
        var config = own ?? configs.FirstOrDefault(g => g.KnowledgeBaseId == null);
        var scope = own is not null ? (kbId is null ? "tenant" : "knowledgeBase") : config is not null ? "tenant" : "default";
        return config is null
            ? new GeneratorView(GeneratorKinds.Extractive, null, null, false, EmptyObject, scope)
            : new GeneratorView(config.Kind, config.BaseUrl, config.Model, config.SecretCiphertext is not null, config.Settings.RootElement.Clone(), scope);
    }

    private async Task RequireKnowledgeBaseAsync(Guid kbId, CancellationToken ct)
    {
        if (!await db.KnowledgeBases.AnyAsync(k => k.Id == kbId, ct)) throw PortalException.NotFound("The knowledge base");
    }
}
