namespace Portal.Outbound;

/// <summary>
/// The outbound client would not make this call: a refused address, scheme or credentials, or a response over its caps.
/// The message is for the log only; callers answer with a generic error.
/// </summary>
public sealed class OutboundRefusedException(string message) : IOException(message);
