using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Portal.Web.Hosting;

namespace Portal.Web.Features.Widget;

/// <summary>
/// Token buckets per publishable key and per client IP. The portal's global limiter only knows
/// signed-in principals and IPs; widget visitors are anonymous, so their key is the principal here.
/// </summary>
internal sealed class WidgetRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _perKey;
    private readonly PartitionedRateLimiter<string> _perIp;

    public WidgetRateLimiter(IOptionsMonitor<WidgetOptions> options)
    {
        _perKey = PartitionedRateLimiter.Create<string, string>(key =>
            RateLimitPartition.GetTokenBucketLimiter(key, _ => RateLimits.Bucket(options.CurrentValue.PermitsPerMinutePerKey)));
        _perIp = PartitionedRateLimiter.Create<string, string>(ip =>
            RateLimitPartition.GetTokenBucketLimiter(ip, _ => RateLimits.Bucket(options.CurrentValue.PermitsPerMinutePerIp)));
    }

    /// <summary>Null when the request may proceed, else the seconds to wait.</summary>
    public int? TryAcquire(Guid keyId, string ip)
    {
        foreach (var (limiter, partition) in new[] { (_perKey, keyId.ToString()), (_perIp, ip) })
        {
            using var lease = limiter.AttemptAcquire(partition);
            if (!lease.IsAcquired)
                return lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)) : 5;
        }
        return null;
    }

    public void Dispose()
    {
        _perKey.Dispose();
        _perIp.Dispose();
    }
}
