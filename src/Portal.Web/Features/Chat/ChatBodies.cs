using System.Text.Json;
using Portal.Chat;
using Portal.Outbound;

namespace Portal.Web.Features.Chat;

public sealed record ChatBody(string? Message, Guid? ConversationId, Guid[]? KnowledgeBaseIds, bool? Stream);

public sealed record CitationBody(int N, long ChunkId, Guid? DocumentId, string DocumentName, int? Page, string Snippet, Guid? QaPairId);

public sealed record ChatAnswerBody(string Answer, IReadOnlyList<CitationBody> Citations, Guid ConversationId, Guid MessageId,
    double Confidence, string Generator, bool Flagged)
{
    public static ChatAnswerBody From(ChatAnswer a) => new(a.Answer, CitationsOf(a.Citations), a.ConversationId, a.MessageId,
        a.Confidence, a.Generator, a.Flagged);

    public static List<CitationBody> CitationsOf(IReadOnlyList<Citation> citations) =>
        citations.Select(c => new CitationBody(c.N, c.ChunkId, c.DocumentId, c.DocumentName, c.Page, c.Snippet, c.QaPairId)).ToList();
}

public sealed record GeneratorBody(string? Kind, string? BaseUrl, string? Model, string? ApiKey, JsonElement? Settings);

/// <summary><c>version</c>: the adapter folder name under the tenant's adapter directory; null serves the base model.</summary>
public sealed record AdapterBody(string? Version);

public sealed record ChatSettingsBody(string? IdkMessage, double? ConfidenceThreshold, double? CuratedThreshold, GeneratorBody? Generator);

internal static class ChatValidation
{
    public const int MaxKnowledgeBases = 100;

    public static Dictionary<string, string[]> Validate(ChatBody body, ChatOptions options)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body.Message)) errors["message"] = ["A message is required."];
        else if (body.Message.Length > options.MaxMessageLength) errors["message"] = [$"A message has at most {options.MaxMessageLength} characters."];
        if (body.KnowledgeBaseIds is { Length: > MaxKnowledgeBases }) errors["knowledgeBaseIds"] = [$"At most {MaxKnowledgeBases} knowledge bases."];
        return errors;
    }

    public static Dictionary<string, string[]> Validate(ChatSettingsBody body, OutboundUrl urls)
    {
        var errors = new Dictionary<string, string[]>();
        if (body.IdkMessage is { } idk && (idk.Trim().Length == 0 || idk.Length > 1000)) errors["idkMessage"] = ["1–1000 characters."];
        if (body.ConfidenceThreshold is < 0 or > 1) errors["confidenceThreshold"] = ["Between 0 and 1."];
        if (body.CuratedThreshold is < 0 or > 1) errors["curatedThreshold"] = ["Between 0 and 1."];
        if (body.Generator is { } g) foreach (var (k, v) in Validate(g, urls, "generator.")) errors[k] = v;
        return errors;
    }

    public static Dictionary<string, string[]> Validate(GeneratorBody body, OutboundUrl urls, string prefix = "")
    {
        var errors = new Dictionary<string, string[]>();
        if (body.Kind is { } kind && !Portal.Chat.Generators.GeneratorKinds.All.Contains(kind))
            errors[prefix + "kind"] = ["kind is one of extractive, openai, local."];
        if (body.BaseUrl is { } url && urls.Problem(url.Trim()) is { } problem) errors[prefix + "baseUrl"] = [problem];
        if (body.Model is { } model && (model.Trim().Length == 0 || model.Length > 200)) errors[prefix + "model"] = ["1–200 characters."];
        if (body.ApiKey is { Length: > 1000 }) errors[prefix + "apiKey"] = ["At most 1000 characters."];
        if (body.Settings is { } s && (s.ValueKind != JsonValueKind.Object || s.GetRawText().Length > 4096))
            errors[prefix + "settings"] = ["A JSON object of up to 4 KiB."];
        if (body.Kind == "openai" && (body.BaseUrl is null || body.Model is null))
            errors.TryAdd(prefix + (body.BaseUrl is null ? "baseUrl" : "model"), ["An openai generator needs baseUrl and model."]);
        return errors;
    }
}
