namespace Portal.Outbound;

/// <summary>
/// Checks a URL a tenant saves for the server to call: absolute http(s), no credentials, and no host that is a refused
/// address written literally (in any notation) or a loopback name. Other names are checked when connecting.
/// </summary>
internal sealed class OutboundUrl(AddressPolicy policy)
{
    public const int MaxLength = 500;

    /// <summary>Null when the URL may be saved, else why not, in words for the person who typed it.</summary>
    public string? Problem(string url)
    {
        if (url.Length > MaxLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return $"An absolute http(s) URL of up to {MaxLength} characters, e.g. https://llm.example.com/v1.";
        if (uri.UserInfo.Length > 0 || Authority(url).Contains('@'))
            return "The URL must not carry a user name or password; put the key in apiKey.";
        if (uri.Fragment.Length > 0) return "The URL must not have a #fragment.";
        var host = uri.IdnHost.TrimEnd('.');
        if (LiteralAddress.TryParse(host, out var address))
            return policy.IsAllowed(address) ? null : Refused;
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            return Refused;
        return null;
    }

    private static string Authority(string url)
    {
        var start = url.IndexOf("//", StringComparison.Ordinal);
        if (start < 0) return "";
        var rest = url[(start + 2)..];
        var end = rest.IndexOfAny(['/', '?', '#', '\\']);
        return end < 0 ? rest : rest[..end];
    }

    private const string Refused = "The server does not call loopback, private, link-local or metadata addresses.";
}
