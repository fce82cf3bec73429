namespace Portal.ApiKeys;

/// <summary>Web origins as browsers send them: scheme, host and port only, lower-case.</summary>
public static class Origins
{
    public static string[] NormaliseAll(IEnumerable<string> origins)
    {
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var o in origins)
        {
            if (result.Count >= 50) throw PortalException.Invalid("At most 50 allowed origins per key.");
            result.Add(Normalise(o) ?? throw PortalException.Invalid(
                $"'{Truncate(o)}' is not a web origin. Use the form https://host or https://host:port, without a path."));
        }
        return [.. result];
    }

    public static string? Normalise(string? origin)
    {
        if (string.IsNullOrWhiteSpace(origin) || origin.Length > 300) return null;
        if (!Uri.TryCreate(origin.Trim(), UriKind.Absolute, out var uri)) return null;
        if (uri.Scheme is not ("http" or "https")) return null;
        if (uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment)
            || !string.IsNullOrEmpty(uri.UserInfo)) return null;
        return uri.IsDefaultPort ? $"{uri.Scheme}://{uri.IdnHost}" : $"{uri.Scheme}://{uri.IdnHost}:{uri.Port}";
    }

    private static string Truncate(string? s) => s is null ? "" : s.Length > 60 ? s[..60] + "…" : s;
}
