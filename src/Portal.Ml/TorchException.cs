namespace Portal.Ml;

/// <summary>An error raised inside libtorch (shape mismatch, bad dtype, missing device…), carried over from the shim.</summary>
public sealed class TorchException(string message) : Exception(message);
