using System.Runtime.InteropServices;

namespace Portal.Ml.Interop;

/// <summary>Turns the shim's NULL / -1 results into <see cref="TorchException"/>s carrying its last error.</summary>
internal static class Native
{
    internal static Tensor Check(nint result) =>
        result == 0 ? throw new TorchException(LastError()) : new Tensor(result);

    internal static void Check(int status)
    {
        if (status != 0)
            throw new TorchException(LastError());
    }

    internal static string LastError() => Marshal.PtrToStringUTF8(NativeMethods.pt_last_error()) ?? "native error";

    /// <summary>Raw pointers for an array call; the caller keeps the tensors alive until the call returns.</summary>
    internal static nint[] Pointers(IReadOnlyList<Tensor> tensors)
    {
        var pointers = new nint[tensors.Count];
        for (var i = 0; i < pointers.Length; i++)
            pointers[i] = tensors[i].IsDisposed
                ? throw new ObjectDisposedException(nameof(Tensor), "a tensor passed to a native call was already disposed")
                : tensors[i].Handle.DangerousGetHandle();
        return pointers;
    }
}
