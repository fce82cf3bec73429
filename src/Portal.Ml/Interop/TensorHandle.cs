using System.Runtime.InteropServices;

namespace Portal.Ml.Interop;

/// <summary>Owns one native <c>at::Tensor*</c>; releasing it drops the reference libtorch counts.</summary>
internal sealed class TensorHandle : SafeHandle
{
    public TensorHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    internal TensorHandle(IntPtr native) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(native);

    /// <summary>Passed for an absent optional tensor (the marshaller cannot pass a null SafeHandle).</summary>
    internal static readonly TensorHandle None = new();

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.pt_free(handle);
        return true;
    }
}
