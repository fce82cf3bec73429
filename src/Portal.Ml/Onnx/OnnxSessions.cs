using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace Portal.Ml.Onnx;

/// <summary>
/// One <see cref="InferenceSession"/> per model file and provider for the whole process: sessions are thread-safe
/// (<c>Run</c> may be called concurrently) and hold the weights once, so every embedder and request shares them.
/// </summary>
public static partial class OnnxSessions
{
    private static readonly ConcurrentDictionary<(string Path, string Provider, int Threads), Lazy<OnnxSession>> Sessions = new();

    public static OnnxSession Get(string modelPath, OnnxOptions? options = null, ILogger? logger = null)
    {
        options ??= new OnnxOptions();
        var key = (Path.GetFullPath(modelPath), options.Provider.Trim().ToLowerInvariant(), options.IntraOpThreads);
        return Sessions.GetOrAdd(key, k => new Lazy<OnnxSession>(
            () => Create(k.Path, k.Provider, k.Threads, logger ?? NullLogger.Instance), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }

    private static OnnxSession Create(string path, string provider, int threads, ILogger logger)
    {
        if (provider.StartsWith("cuda", StringComparison.Ordinal))
        {
            var device = provider.Contains(':') ? int.Parse(provider[(provider.IndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture) : 0;
            try
            {
                var cuda = CpuOptions(threads);
                cuda.AppendExecutionProvider_CUDA(device);
                var session = new InferenceSession(path, cuda);
                LogProvider(logger, Path.GetFileName(path), $"cuda:{device}");
                return new OnnxSession(session, $"cuda:{device}");
            }
            catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
            {
                LogCudaUnavailable(logger, provider, e.Message.Split('\n')[0]);
            }
        }
        else if (provider != "cpu")
            throw new ArgumentException($"Ml:Onnx:Provider must be cpu, cuda or cuda:N, not '{provider}'");

        LogProvider(logger, Path.GetFileName(path), "cpu");
        return new OnnxSession(new InferenceSession(path, CpuOptions(threads)), "cpu");
    }

    private static SessionOptions CpuOptions(int threads)
    {
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (threads > 0)
            options.IntraOpNumThreads = threads;
        return options;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ONNX Runtime: {Model} runs on {Provider}")]
    private static partial void LogProvider(ILogger logger, string model, string provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ONNX Runtime: Ml:Onnx:Provider={Provider} is unavailable ({Reason}); " +
        "the CUDA provider needs the CUDA 13 runtime and cuDNN 9 on this node. Using cpu.")]
    private static partial void LogCudaUnavailable(ILogger logger, string provider, string reason);
}

/// <summary>A shared session and the provider it actually runs on.</summary>
public sealed record OnnxSession(InferenceSession Session, string Provider);
