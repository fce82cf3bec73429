using System.Text.RegularExpressions;

namespace Portal.Chat.Generators;

/// <summary>
/// A chat model running in this process, behind the <c>local</c> generator. Portal.Core only defines it: the
/// implementation (Portal.Ml.Chat) needs libtorch, which the core must not. The model applies its family's chat
/// template, and serves each tenant's active LoRA adapter unmerged (ADR 0006).
/// </summary>
public interface ILocalChatModel
{
    /// <summary>False on a node configured without a model (<c>Ml:ChatModel:BaseModel</c> empty): the slot answers 501.</summary>
    bool IsInstalled { get; }

    /// <summary>The most tokens a prompt and its answer may take together.</summary>
    int ContextLength { get; }

    /// <summary>The prompt's length in tokens once the chat template is applied.</summary>
    int CountPromptTokens(IReadOnlyList<LocalChatMessage> messages);

    /// <summary>Whether <c>{adapters}/{tenant}/{version}/</c> holds an adapter this node can serve.</summary>
    bool HasAdapter(Guid tenantId, string version);

    /// <summary>Streams the answer's text. <paramref name="usage"/> is filled in when the stream ends.</summary>
    IAsyncEnumerable<string> StreamAsync(LocalChatRequest request, LocalChatUsage usage, CancellationToken ct);
}

public sealed record LocalChatMessage(string Role, string Content);

/// <summary>One answer: whose adapter (null: the base model), the conversation, and how to sample.</summary>
public sealed record LocalChatRequest(Guid TenantId, string? AdapterVersion, IReadOnlyList<LocalChatMessage> Messages, LocalSampling Sampling);

/// <summary>Temperature 0 is greedy; TopK 0 and TopP 1 turn those filters off; a seed makes sampling repeatable.</summary>
public sealed record LocalSampling(int MaxTokens = 256, double Temperature = 0, double TopP = 1, int TopK = 0, int? Seed = null)
{
    public IReadOnlyList<string> StopSequences { get; init; } = [];
}

public sealed class LocalChatUsage
{
    public int PromptTokens { get; set; }
    public int CompletionTokens { get; set; }
}

/// <summary>An adapter version names a folder under the tenant's adapter directory: no separators, no dot-only names.</summary>
public static partial class AdapterVersions
{
    public static bool IsValid(string version) => Pattern().IsMatch(version);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex Pattern();
}
