using Npgsql;
using NpgsqlTypes;

namespace Portal.Search;

/// <summary>Writes <see cref="SearchFilters"/> as SQL over <c>c</c> (chunks); every value is a parameter.</summary>
internal static class SqlFilters
{
    public static string Where(SearchFilters f, NpgsqlCommand cmd)
    {
        var sql = new List<string>();
        if (f.DocumentIds is { Length: > 0 } docs)
        {
            sql.Add("c.document_id = ANY(@f_docs)");
            cmd.Parameters.Add(new NpgsqlParameter("f_docs", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = docs });
        }
        if (f.Languages is { Length: > 0 } languages)
        {
            sql.Add("c.language = ANY(@f_langs)");
            cmd.Parameters.Add(new NpgsqlParameter("f_langs", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = languages });
        }
        if (f.SourceTypes is { Length: > 0 } types)
        {
            sql.Add("c.source_type = ANY(@f_types)");
            cmd.Parameters.Add(new NpgsqlParameter("f_types", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = types });
        }
        // A chunk spans pages [page, end_page]; it matches when that span meets [from, to].
        if (f.PageFrom is { } from)
        {
            sql.Add("coalesce(c.end_page, c.page) >= @f_from");
            cmd.Parameters.AddWithValue("f_from", from);
        }
        if (f.PageTo is { } to)
        {
            sql.Add("c.page <= @f_to");
            cmd.Parameters.AddWithValue("f_to", to);
        }
        if (f.HeadingPathPrefix is { Length: > 0 } prefix)
        {
            sql.Add("c.heading_path[1:@f_hlen] = @f_heading");
            cmd.Parameters.AddWithValue("f_hlen", prefix.Length);
            cmd.Parameters.Add(new NpgsqlParameter("f_heading", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = prefix });
        }
        return sql.Count == 0 ? "" : " AND " + string.Join(" AND ", sql);
    }
}
