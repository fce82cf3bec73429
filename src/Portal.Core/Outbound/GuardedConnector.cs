using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Portal.Outbound;

/// <summary>
/// The outbound client's only way onto the network. It resolves the host itself and connects to exactly the addresses it
/// checked, so a name that answers a public address to one lookup and a loopback one to the next (DNS rebinding) gains
/// nothing: every connection is checked at the moment it is made. A name with any refused address is refused whole.
/// </summary>
internal sealed class GuardedConnector(IOutboundResolver resolver, AddressPolicy policy, IOptions<OutboundOptions> options)
{
    public SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        // A proxy would make the check apply to the proxy's address instead of the destination.
        UseProxy = false,
        UseCookies = false,
        PreAuthenticate = false,
        Credentials = null,
        AutomaticDecompression = DecompressionMethods.None,
        MaxResponseHeadersLength = 64,
        ConnectTimeout = TimeSpan.FromSeconds(options.Value.ConnectTimeoutSeconds),
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = ConnectAsync,
    };

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = LiteralAddress.TryParse(host, out var literal) ? [literal] : await ResolveAsync(host, ct);
        if (addresses.Length == 0) throw new OutboundRefusedException($"{host} has no address.");
        if (addresses.FirstOrDefault(a => !policy.IsAllowed(a)) is { } refused)
            throw new OutboundRefusedException($"{host} resolves to {refused} ({AddressPolicy.Classify(refused)}), which is refused.");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
    {
        try
        {
            return await resolver.ResolveAsync(host, ct);
        }
        catch (SocketException)
        {
            return [];
        }
    }
}
