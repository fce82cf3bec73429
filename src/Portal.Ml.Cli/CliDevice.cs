using Microsoft.Extensions.Logging.Abstractions;
using Portal.Ml.Devices;

namespace Portal.Ml.Cli;

/// <summary>The trainers' device: <c>Ml__Device</c> from the environment (<c>auto</c>, <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>), as in the web host.</summary>
internal static class CliDevice
{
    internal static Device FromEnvironment() =>
        DeviceSelector.Select(Environment.GetEnvironmentVariable("Ml__Device"), NullLogger.Instance);
}
