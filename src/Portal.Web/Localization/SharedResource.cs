namespace Portal.Web;

/// <summary>
/// The portal pages' strings, keyed by their English text (<c>Resources/SharedResource.zh-CN.resx</c> holds the
/// Simplified Chinese); a key without a translation shows the English text, and a test fails on it.
/// </summary>
public sealed class SharedResource;
