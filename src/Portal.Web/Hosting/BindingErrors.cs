using System.Text.Json;
using System.Text.RegularExpressions;

namespace Portal.Web.Hosting;

/// <summary>
/// Turns the framework's binding failures into field errors in words. Its own messages name .NET types
/// ("Failed to read parameter \"CreateKnowledgeBaseRequest request\"…"), so they never reach the caller.
/// </summary>
internal static partial class BindingErrors
{
    /// <summary>Field errors for a body or parameter that could not be read, or null when the failure is not about one.</summary>
    public static Dictionary<string, string[]>? Describe(BadHttpRequestException b)
    {
        if (b.InnerException is JsonException json)
        {
            var field = FieldOf(json.Path);
            return new() { [field] = [field == "body"
                ? "The body must be a complete JSON object with this endpoint's fields."
                : "This value has the wrong type or format (a number where a number is expected, text where text is, finite numbers only)."] };
        }
        if (b.Message.Contains("body", StringComparison.OrdinalIgnoreCase)
            && (b.Message.Contains("not provided", StringComparison.Ordinal) || b.Message.Contains("no body", StringComparison.Ordinal)))
            return new() { ["body"] = ["A JSON body is required."] };
        if (ParameterName().Match(b.Message) is { Success: true } p)
            return new() { [p.Groups["name"].Value] = ["This value is missing or has the wrong format."] };
        return null;
    }

    /// <summary>A detail for failures that are about the request as a whole, without internal names.</summary>
    public static string Summary(BadHttpRequestException b) => b.StatusCode switch
    {
        415 => "This endpoint takes a JSON body (Content-Type: application/json).",
        _ => "The request is malformed.",
    };

    // "$.retrieval.vectorWeight" -> "retrieval.vectorWeight"; "$['odd name']" -> "odd name"; "$" -> "body"
    private static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return "body";
        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        field = QuotedSegment().Replace(field, m => "." + m.Groups[1].Value).TrimStart('.');
        return field.Length == 0 ? "body" : field;
    }

    [GeneratedRegex("""parameter "(?:[^"]* )?(?<name>[A-Za-z_][A-Za-z0-9_]*)"?""")]
    private static partial Regex ParameterName();

    [GeneratedRegex(@"\['([^']*)'\]")]
    private static partial Regex QuotedSegment();
}
