using System.Reflection;
using System.Runtime.InteropServices;

namespace Portal.Ml.Interop;

/// <summary>
/// Finds libportal_torch.so: $PORTAL_NATIVE_DIR first, then a <c>.build/native</c> folder in
/// the application directory or any directory above it (the repository checkout).
/// </summary>
internal static class NativeLibraryLocator
{
    internal const string LibraryName = "portal_torch";
    internal const string FileName = "libportal_torch.so";
    internal const string DirectoryVariable = "PORTAL_NATIVE_DIR";

    private static int registered;

    internal static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 0)
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraryLocator).Assembly, Resolve);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == LibraryName ? NativeLibrary.Load(FindLibrary()) : IntPtr.Zero;

    internal static string FindLibrary()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            var path = Path.Combine(fromEnvironment, FileName);
            return File.Exists(path)
                ? path
                : throw new DllNotFoundException($"{DirectoryVariable} is set to '{fromEnvironment}' but {FileName} is not there. Run ./portal build-native (src/Portal.Ml/native/build.sh).");
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, ".build", "native", FileName);
            if (File.Exists(candidate))
                return candidate;
        }

        throw new DllNotFoundException(
            $"{FileName} was not found in ${DirectoryVariable} nor in a .build/native folder above {AppContext.BaseDirectory}. " +
            "Run ./portal build-native (src/Portal.Ml/native/build.sh) first.");
    }
}
