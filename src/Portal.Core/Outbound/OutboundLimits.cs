using System.Net.Http;
using Microsoft.Extensions.Options;

namespace Portal.Outbound;

/// <summary>
/// Caps every outbound exchange: http(s) only, no credentials in the URL, one deadline for headers and body together,
/// and a maximum body size (checked against Content-Length and again while reading).
/// </summary>
internal sealed class OutboundLimits(IOptions<OutboundOptions> options) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (request.RequestUri is not { Scheme: "http" or "https" } uri || uri.UserInfo.Length > 0)
            throw new OutboundRefusedException("Only http(s) URLs without credentials are called.");
        var o = options.Value;
        var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(o.ResponseTimeoutSeconds));
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
            var response = await base.SendAsync(request, linked.Token);
            if (response.Content.Headers.ContentLength > o.MaxResponseBytes)
            {
                response.Dispose();
                throw new OutboundRefusedException($"The response declares {response.Content.Headers.ContentLength} bytes, over the cap.");
            }
            var body = await response.Content.ReadAsStreamAsync(linked.Token);
            var capped = new StreamContent(new CappedStream(body, o.MaxResponseBytes, deadline));
            foreach (var header in response.Content.Headers) capped.Headers.TryAddWithoutValidation(header.Key, header.Value);
            response.Content = capped;
            return response;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            deadline.Dispose();
            throw new OutboundRefusedException("The exchange ran past its deadline.");
        }
        catch
        {
            deadline.Dispose();
            throw;
        }
    }
}
