using System.Text;
using Portal.Data;

namespace Portal.Search;

/// <summary>
/// A tenant's synonym dictionary: business term → expansions ("PTO" → "paid time off", "年假").
/// Expansion happens at query time only, so editing the dictionary needs no re-index.
/// </summary>
internal static class Synonyms
{
    public const int MaxEntries = 2000, MaxExpansions = 20, MaxLength = 100;

    public static async Task<Dictionary<string, string[]>> LoadAsync(PortalDbContext db, CancellationToken ct)
    {
        await using var cmd = SearchSql.Command(db, "SELECT term, expansions FROM search_synonyms ORDER BY term");
        var map = new Dictionary<string, string[]>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) map[reader.GetString(0)] = reader.GetFieldValue<string[]>(1);
        return map;
    }

    /// <summary>Replaces the whole dictionary. Returns the name of the invalid field, or null when saved.</summary>
    public static async Task<string?> ReplaceAsync(PortalDbContext db, Guid tenantId, IReadOnlyDictionary<string, string[]> synonyms, CancellationToken ct)
    {
        if (synonyms.Count > MaxEntries) return "synonyms";
        var normalised = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (term, expansions) in synonyms)
        {
            var key = Normalise(term);
            if (key.Length is 0 or > MaxLength) return $"synonyms.{term}";
            if (expansions is null || expansions.Length is 0 or > MaxExpansions
                || expansions.Any(e => string.IsNullOrWhiteSpace(e) || e.Length > MaxLength)) return $"synonyms.{term}";
            normalised[key] = expansions.Select(e => e.Trim()).Distinct(StringComparer.Ordinal).ToArray();
        }
        await using var cmd = SearchSql.Command(db, """
            DELETE FROM search_synonyms;
            INSERT INTO search_synonyms (tenant_id, term, expansions)
            SELECT @tenant, s.term, string_to_array(s.expansions, E'\x1f')
            FROM unnest(@terms, @expansions) AS s(term, expansions);
            """);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("terms", normalised.Keys.ToArray());
        cmd.Parameters.AddWithValue("expansions", normalised.Values.Select(e => string.Join('\x1f', e)).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
        return null;
    }

    /// <summary>The expansions of every dictionary term that occurs in the query.</summary>
    public static List<string> Expand(string query, IReadOnlyDictionary<string, string[]> synonyms)
    {
        var text = Normalise(query);
        return synonyms.Where(s => Contains(text, s.Key)).SelectMany(s => s.Value).Distinct(StringComparer.Ordinal).ToList();
    }

    internal static string Normalise(string text) => text.Normalize(NormalizationForm.FormKC).Trim().ToLowerInvariant();

    // Latin terms must match whole words ("pto" is not in "laptop"); CJK has no word boundaries.
    private static bool Contains(string text, string term)
    {
        for (var at = text.IndexOf(term, StringComparison.Ordinal); at >= 0; at = text.IndexOf(term, at + 1, StringComparison.Ordinal))
        {
            var before = at == 0 || !char.IsLetterOrDigit(text[at - 1]) || !char.IsAsciiLetterOrDigit(term[0]);
            var end = at + term.Length;
            var after = end == text.Length || !char.IsLetterOrDigit(text[end]) || !char.IsAsciiLetterOrDigit(term[^1]);
            if (before && after) return true;
        }
        return false;
    }
}
