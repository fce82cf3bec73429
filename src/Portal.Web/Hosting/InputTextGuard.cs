using System.Text.Json;
using Portal.Text;

namespace Portal.Web.Hosting;

/// <summary>
/// Refuses text that cannot be stored before any endpoint sees it: every string (and property name) of a JSON body,
/// every query value and every field of a posted form is checked against <see cref="TextRules"/>, and the first offender
/// is answered with a 400 validation problem naming the field. One check at the boundary covers every endpoint,
/// Identity's included, so no PostgreSQL error on a NUL ever becomes a 500.
/// </summary>
internal sealed class InputTextGuard(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var problem = QueryProblem(http.Request.Query);
        if (problem is null && IsJson(http.Request.ContentType) && http.Request.ContentLength is not 0)
        {
            http.Request.EnableBuffering();
            using var copy = new MemoryStream();
            await http.Request.Body.CopyToAsync(copy, http.RequestAborted);
            http.Request.Body.Position = 0;
            problem = JsonProblem(copy.GetBuffer().AsSpan(0, (int)copy.Length));
        }
        else if (problem is null && http.Request.HasFormContentType
                 && http.Request.ContentType!.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            problem = form.SelectMany(f => f.Value.Select(v => (f.Key, Value: v ?? "")))
                .Select(f => (TextRules.ForbiddenCharacter(f.Key) ?? TextRules.ForbiddenCharacter(f.Value)) is { } c
                    ? (f.Key, TextRules.Describe(c)) : ((string, string)?)null)
                .FirstOrDefault(p => p is not null);
        }
        if (problem is not { } p)
        {
            await next(http);
            return;
        }
        await Results.ValidationProblem(new Dictionary<string, string[]> { [p.Field] = [p.Message] },
            type: ProblemDetailsSetup.TypePrefix + "validation").ExecuteAsync(http);
    }

    private static bool IsJson(string? contentType) => contentType is { } t
        && (t.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) || t.Contains("+json", StringComparison.OrdinalIgnoreCase));

    private static (string Field, string Message)? QueryProblem(IQueryCollection query)
    {
        foreach (var (key, values) in query)
            foreach (var value in values)
                if ((TextRules.ForbiddenCharacter(key) ?? TextRules.ForbiddenCharacter(value ?? "")) is { } c) return (key, TextRules.Describe(c));
        return null;
    }

    /// <summary>The first forbidden string in the document, by its path (<c>generator.settings.stop[2]</c>). Malformed JSON
    /// is left to the endpoint's own binding, which says what is wrong with it.</summary>
    internal static (string Field, string Message)? JsonProblem(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
        var path = new List<object>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        var name = Read(ref reader, out var badName);
                        if (badName is not null) return (Path(path, null), badName);
                        path.Add(name!);
                        continue;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        Advance(path);
                        path.Add(reader.TokenType == JsonTokenType.StartArray ? -1 : (object)"{");
                        continue;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        EndValue(path);
                        continue;
                    case JsonTokenType.String:
                        Advance(path);
                        Read(ref reader, out var bad);
                        if (bad is not null) return (Path(path, null), bad);
                        EndValue(path);
                        continue;
                    default:
                        Advance(path);
                        EndValue(path);
                        continue;
                }
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }

    private static string? Read(ref Utf8JsonReader reader, out string? problem)
    {
        problem = null;
        try
        {
            var value = reader.GetString()!;
            if (TextRules.ForbiddenCharacter(value) is { } c) problem = TextRules.Describe(c);
            return value;
        }
        catch (InvalidOperationException)
        {
            problem = "Contains an unpaired surrogate or invalid UTF-8; text must be valid Unicode.";
            return null;
        }
    }

    // Inside an array, each value moves the index on; an object's property is popped once its value is read.
    private static void Advance(List<object> path)
    {
        if (path.Count > 0 && path[^1] is int i) path[^1] = i + 1;
    }

    private static void EndValue(List<object> path)
    {
        if (path.Count > 0 && path[^1] is string s && s != "{") path.RemoveAt(path.Count - 1);
    }

    private static string Path(List<object> path, string? last)
    {
        var text = new System.Text.StringBuilder();
        foreach (var part in path)
        {
            if (part is int i) text.Append('[').Append(i).Append(']');
            else if (part is string s && s != "{") text.Append(text.Length == 0 ? "" : ".").Append(s);
        }
        if (last is not null) text.Append(text.Length == 0 ? "" : ".").Append(last);
        return text.Length == 0 ? "body" : text.ToString();
    }
}
