namespace Portal;

/// <summary>
/// A request that the product refuses for a reason the caller can act on. The web layer turns it
/// into a ProblemDetails response whose <c>type</c> is <c>urn:portal:problem:{Code}</c>.
/// </summary>
public class PortalException(string code, string message, int status = 400) : Exception(message)
{
    public string Code { get; } = code;
    public int Status { get; } = status;

    /// <summary>Members added to the ProblemDetails beside <c>detail</c> (a quota's <c>resource</c>, <c>limit</c> and <c>used</c>).</summary>
    public IReadOnlyDictionary<string, object?> Extensions { get; init; } = new Dictionary<string, object?>();

    public static PortalException NotFound(string what) => new("not-found", $"{what} was not found.", 404);
    public static PortalException Forbidden(string message) => new("forbidden", message, 403);
    public static PortalException Conflict(string code, string message) => new(code, message, 409);
    public static PortalException Invalid(string message) => new("validation", message, 400);
}
