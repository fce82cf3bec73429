using Microsoft.Extensions.Logging;
using Portal.Ml.Devices;

namespace Portal.Ml.Tests.Devices;

public sealed class DeviceSelectorTests
{
    private sealed class RecordingLogger : ILogger
    {
        public List<(LogLevel level, string message)> Entries { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }

    [Fact]
    public void Cuda_requested_without_a_gpu_falls_back_to_cpu_with_a_warning()
    {
        var logger = new RecordingLogger();

        var device = DeviceSelector.Select("cuda", logger, cudaAvailable: false, cudaDevices: 0);

        device.ShouldBe(torch.CPU);
        logger.Entries.ShouldHaveSingleItem().level.ShouldBe(LogLevel.Warning);
        logger.Entries[0].message.ShouldContain("falling back to cpu");
    }

    [Theory]
    [InlineData("auto", true, "cuda:0")]
    [InlineData("auto", false, "cpu")]
    [InlineData("CPU", true, "cpu")]
    [InlineData("cuda:1", true, "cuda:1")]
    [InlineData(null, false, "cpu")]
    public void The_configured_option_picks_the_device_and_says_why(string? option, bool cudaAvailable, string expected)
    {
        var logger = new RecordingLogger();

        var device = DeviceSelector.Select(option, logger, cudaAvailable, cudaDevices: cudaAvailable ? 2 : 0);

        device.ToString().ShouldBe(expected);
        logger.Entries.ShouldHaveSingleItem().message.ShouldStartWith($"ML device: {expected}");
    }
}
