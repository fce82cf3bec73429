using Microsoft.Extensions.Logging;

namespace Portal.Ml.Devices;

/// <summary>The <c>Ml</c> configuration section.</summary>
public sealed class MlOptions
{
    public const string SectionName = "Ml";

    /// <summary><c>auto</c> (CUDA when present, else CPU), <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    public string Device { get; set; } = "auto";
}

/// <summary>Turns <c>Ml:Device</c> into a <see cref="Device"/>, logging what was chosen and why.</summary>
public static partial class DeviceSelector
{
    public static Device Select(string? option, ILogger logger) =>
        Select(option, logger, torch.cuda.is_available(), torch.cuda.device_count());

    internal static Device Select(string? option, ILogger logger, bool cudaAvailable, int cudaDevices)
    {
        var requested = string.IsNullOrWhiteSpace(option) ? "auto" : option.Trim().ToLowerInvariant();
        if (requested == "auto")
        {
            if (cudaAvailable)
            {
                LogChosen(logger, "cuda:0", requested, $"{cudaDevices} CUDA device(s) found");
                return new Device(DeviceType.CUDA, 0);
            }
            LogChosen(logger, "cpu", requested, "no CUDA device found");
            return torch.CPU;
        }

        var device = new Device(requested);
        if (device.type == DeviceType.CPU)
        {
            LogChosen(logger, "cpu", requested, "configured");
            return device;
        }

        var index = Math.Max(device.index, 0);
        if (!cudaAvailable || index >= cudaDevices)
        {
            LogCudaMissing(logger, requested, cudaDevices);
            return torch.CPU;
        }
        LogChosen(logger, $"cuda:{index}", requested, "configured");
        return new Device(DeviceType.CUDA, index);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ML device: {Device} (Ml:Device={Requested}; {Reason})")]
    private static partial void LogChosen(ILogger logger, string device, string requested, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ML device: cpu (Ml:Device={Requested} but only {CudaDevices} CUDA device(s) are usable; falling back to cpu)")]
    private static partial void LogCudaMissing(ILogger logger, string requested, int cudaDevices);
}
