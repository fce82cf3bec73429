using System.Globalization;
using System.Net;

namespace Portal.Outbound;

/// <summary>
/// Reads a host that is an IP address in any notation a resolver or URL parser accepts: dotted, decimal
/// (<c>2130706433</c>), hex (<c>0x7f.1</c>), octal (<c>0177.0.0.1</c>), short (<c>127.1</c>), bracketed IPv6, IPv4-mapped
/// IPv6, with or without a trailing dot.
/// </summary>
internal static class LiteralAddress
{
    public static bool TryParse(string host, out IPAddress address)
    {
        address = IPAddress.None;
        var h = host.Trim();
        if (h.StartsWith('[') && h.EndsWith(']')) h = h[1..^1];
        h = h.TrimEnd('.');
        if (h.Length == 0) return false;
        // IDNA maps full-width and circled digits to ASCII, so a name can spell a literal address.
        try { h = new IdnMapping().GetAscii(h); }
        catch (ArgumentException) { }
        if (h.Contains(':')) return IPAddress.TryParse(h, out address!) ;
        return TryParseIpv4(h, out address);
    }

    // inet_aton: one to four parts, each decimal, 0x-hex or 0-octal; the last part fills the remaining bytes.
    private static bool TryParseIpv4(string h, out IPAddress address)
    {
        address = IPAddress.None;
        var parts = h.Split('.');
        if (parts.Length > 4) return false;
        var values = new ulong[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!TryParsePart(parts[i], out values[i])) return false;
        ulong result = 0;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (values[i] > 255) return false;
            result |= values[i] << (8 * (3 - i));
        }
        var last = values[^1];
        var lastBits = 8 * (4 - (parts.Length - 1));
        if (lastBits < 64 && last >= 1UL << lastBits) return false;
        result |= last;
        address = new IPAddress(new[] { (byte)(result >> 24), (byte)(result >> 16), (byte)(result >> 8), (byte)result });
        return true;
    }

    private static bool TryParsePart(string part, out ulong value)
    {
        value = 0;
        if (part.Length == 0 || part.Length > 40) return false;
        if (part.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return part.Length == 2 || ulong.TryParse(part[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        if (part.Length > 1 && part[0] == '0')
        {
            foreach (var c in part[1..])
            {
                if (c is < '0' or > '7' || value > ulong.MaxValue / 8) return false;
                value = value * 8 + (ulong)(c - '0');
            }
            return true;
        }
        return part.All(char.IsAsciiDigit) && ulong.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
