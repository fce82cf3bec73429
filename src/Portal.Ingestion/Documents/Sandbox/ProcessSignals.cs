using System.Runtime.InteropServices;

namespace Portal.Documents.Sandbox;

/// <summary>The few libc calls the sandbox needs: killing a process group and setting RLIMIT_CPU.</summary>
internal static partial class ProcessSignals
{
    public const int SignalKill = 9;
    public const int SignalCpuLimit = 24; // SIGXCPU
    private const int ResourceCpu = 0;    // RLIMIT_CPU
    private const ulong Unlimited = ulong.MaxValue;

    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetResourceLimit(int resource, in ResourceLimit limit);

    /// <summary>Kills the whole process group led by <paramref name="leader"/>, which takes poppler and tesseract with it.</summary>
    public static void KillGroup(int leader)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
            _ = Kill(-leader, SignalKill);
    }

    /// <summary>Lets this process use <paramref name="seconds"/> more CPU seconds; past that the kernel sends SIGXCPU and it dies.</summary>
    public static void AllowMoreCpuSeconds(int seconds)
    {
        if (!OperatingSystem.IsLinux())
            return;
        var used = (ulong)Math.Ceiling(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
        _ = SetResourceLimit(ResourceCpu, new ResourceLimit { Current = used + (ulong)seconds, Maximum = Unlimited });
    }
}
