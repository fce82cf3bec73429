using System.ComponentModel.DataAnnotations;

namespace Portal.Documents.Sandbox;

/// <summary>
/// Where the parser child process lives and the limits it runs under. Bound from <c>Ingestion:Sandbox</c>.
/// See src/Portal.Ingestion/README.md for why each limit is enforced the way it is.
/// </summary>
public sealed class ParserSandboxOptions
{
    /// <summary>
    /// Path to <c>Portal.Parser.dll</c>. When empty, it is looked for next to the running app
    /// (a ProjectReference to Portal.Parser copies it there) and then in the repository build output.
    /// </summary>
    public string? ExecutablePath { get; set; }

    /// <summary>The <c>dotnet</c> host used to start the dll; empty means the host running this process, else PATH.</summary>
    public string? DotnetHostPath { get; set; }

    /// <summary>Wall-clock budget for one file, after which the child's whole process group is killed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan WallClockTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>CPU seconds one file may use in the child (RLIMIT_CPU, reset per file by the child).</summary>
    [Range(1, 3600)]
    public int CpuSecondsPerFile { get; set; } = 120;

    /// <summary>The child's managed heap cap (DOTNET_GCHeapHardLimit); an allocation past it fails inside the child.</summary>
    [Range(64L * 1024 * 1024, long.MaxValue)]
    public long ManagedHeapLimitBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Resident memory of the child watched by the host; past it the child is killed and the file fails.</summary>
    [Range(128L * 1024 * 1024, long.MaxValue)]
    public long MaxResidentBytes { get; set; } = 1536L * 1024 * 1024;

    /// <summary>Address-space cap (RLIMIT_AS) for poppler and tesseract, which are native and honour it.</summary>
    [Range(64L * 1024 * 1024, long.MaxValue)]
    public long NativeToolAddressSpaceBytes { get; set; } = 2048L * 1024 * 1024;

    /// <summary>Largest file the child or its tools may write (RLIMIT_FSIZE), which bounds rendered OCR images.</summary>
    [Range(1024 * 1024, long.MaxValue)]
    public long MaxWrittenFileBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Warm parser processes kept at most; each parses one file at a time.</summary>
    [Range(1, 64)]
    public int MaxWorkers { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>A worker is replaced after this many files, so leaks and fragmentation never accumulate.</summary>
    [Range(1, 100_000)]
    public int FilesPerWorker { get; set; } = 100;

    /// <summary>A per-file budget for each native tool call (pdftotext, pdftoppm, tesseract), in seconds.</summary>
    [Range(1, 3600)]
    public int NativeToolTimeoutSeconds { get; set; } = 60;
}
