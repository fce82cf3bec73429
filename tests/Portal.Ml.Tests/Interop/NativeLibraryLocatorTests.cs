using Portal.Ml.Interop;

namespace Portal.Ml.Tests.Interop;

public sealed class NativeLibraryLocatorTests
{
    [Fact]
    public void The_library_is_found_in_the_repositorys_build_folder()
    {
        NativeLibraryLocator.FindLibrary().ShouldEndWith(Path.Combine(".build", "native", "libportal_torch.so"));
    }

    [Fact]
    public void A_native_dir_without_the_library_fails_with_instructions()
    {
        var empty = Directory.CreateTempSubdirectory("portal-native-").FullName;
        var previous = Environment.GetEnvironmentVariable(NativeLibraryLocator.DirectoryVariable);
        try
        {
            Environment.SetEnvironmentVariable(NativeLibraryLocator.DirectoryVariable, empty);

            var error = Should.Throw<DllNotFoundException>(NativeLibraryLocator.FindLibrary);

            error.Message.ShouldContain("build-native");
            error.Message.ShouldContain(empty);
        }
        finally
        {
            Environment.SetEnvironmentVariable(NativeLibraryLocator.DirectoryVariable, previous);
            Directory.Delete(empty);
        }
    }
}
