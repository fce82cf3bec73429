using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Chat.Generators;

/// <summary>
/// Picks the generator for a question: the knowledge base's own config when the question names
/// exactly one knowledge base that has one, else the tenant's default, else the extractive answerer.
/// Runs inside the caller's tenant transaction.
/// </summary>
internal sealed class GeneratorResolver(PortalDbContext db, GeneratorSecrets secrets, IEnumerable<IAnswerGenerator> generators)
{
    private readonly Dictionary<string, IAnswerGenerator> _byKind = generators.ToDictionary(g => g.Kind, StringComparer.Ordinal);

    public async Task<ResolvedGenerator> ResolveAsync(IReadOnlyList<Guid> knowledgeBaseIds, CancellationToken ct)
    {
        Guid? kb = knowledgeBaseIds.Count == 1 ? knowledgeBaseIds[0] : null;
        var configs = await db.GeneratorConfigs.AsNoTracking()
            .Where(g => g.KnowledgeBaseId == null || g.KnowledgeBaseId == kb).ToListAsync(ct);
        var config = configs.FirstOrDefault(g => g.KnowledgeBaseId != null) ?? configs.FirstOrDefault(g => g.KnowledgeBaseId == null);
        if (config is null) return ResolvedGenerator.Extractive;
        return new ResolvedGenerator(config.Kind, config.BaseUrl, config.Model,
            config.SecretCiphertext is { } c ? secrets.Unprotect(c) : null, config.Settings.RootElement.Clone());
    }

    public IAnswerGenerator For(ResolvedGenerator generator) =>
        _byKind.TryGetValue(generator.Kind, out var g) ? g : throw new PortalException("unknown-generator", $"No generator of kind '{generator.Kind}'.", 500);
}
