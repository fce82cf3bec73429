using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Chat;

/// <summary>The <c>Chat</c> configuration section: node-wide limits and the defaults a tenant may override.</summary>
public sealed class ChatOptions
{
    [Range(1, 20_000)] public int MaxMessageLength { get; set; } = 4000;

    /// <summary>Chunks retrieved for an answer.</summary>
    [Range(1, 50)] public int RetrievalTopK { get; set; } = 6;

    /// <summary>Previous messages (questions and answers) given to the rewriter and to an LLM.</summary>
    [Range(0, 40)] public int HistoryMessages { get; set; } = 6;

    [Required, StringLength(1000, MinimumLength = 1)]
    public string DefaultIdkMessage { get; set; } = "I don't know: the knowledge base does not cover this question.";

    [Range(0.0, 1.0)] public double DefaultConfidenceThreshold { get; set; } = 0.4;
    [Range(0.0, 1.0)] public double DefaultCuratedThreshold { get; set; } = 0.8;

    /// <summary>Time for an OpenAI-compatible backend to start answering (per attempt).</summary>
    [Range(1, 600)] public int GeneratorConnectTimeoutSeconds { get; set; } = 30;

    /// <summary>Time for a whole generated answer.</summary>
    [Range(1, 3600)] public int GeneratorTotalTimeoutSeconds { get; set; } = 120;

    /// <summary>Retries of a failed backend call; only before its first token.</summary>
    [Range(0, 10)] public int GeneratorRetries { get; set; } = 2;

    [Range(0, 60_000)] public int GeneratorRetryDelayMs { get; set; } = 200;
}

/// <summary>
/// A tenant's chat settings (<c>tenant_settings.chat</c>), with the node's defaults filled in. <see cref="AdapterVersion"/>
/// (<c>adapterVersion</c>) is the tenant's active LoRA adapter for the local generator; it is set through
/// <see cref="Generators.TenantAdapterService"/> only, so <see cref="MergeInto"/> leaves it as stored.
/// </summary>
public sealed record ChatSettings(string IdkMessage, double ConfidenceThreshold, double CuratedThreshold, string? AdapterVersion = null)
{
    public const string AdapterVersionKey = "adapterVersion";

    public static ChatSettings From(JsonDocument? json, ChatOptions defaults)
    {
        var root = json?.RootElement;
        string? idk = root is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty("idkMessage", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
        return new(
            string.IsNullOrWhiteSpace(idk) ? defaults.DefaultIdkMessage : idk,
            Number(root, "confidenceThreshold") ?? defaults.DefaultConfidenceThreshold,
            Number(root, "curatedThreshold") ?? defaults.DefaultCuratedThreshold,
            root is { ValueKind: JsonValueKind.Object } a && a.TryGetProperty(AdapterVersionKey, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null);
    }

    /// <summary>Writes these values into the tenant's chat JSON, keeping keys other features own.</summary>
    public JsonDocument MergeInto(JsonDocument? existing)
    {
        var node = (existing is null ? null : JsonNode.Parse(existing.RootElement.GetRawText()) as JsonObject) ?? new JsonObject();
        node["idkMessage"] = IdkMessage;
        node["confidenceThreshold"] = ConfidenceThreshold;
        node["curatedThreshold"] = CuratedThreshold;
        return JsonDocument.Parse(node.ToJsonString());
    }

    private static double? Number(JsonElement? root, string name) =>
        root is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}
