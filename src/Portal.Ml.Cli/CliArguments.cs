using System.Globalization;
using System.Text.Json;

namespace Portal.Ml.Cli;

internal sealed class CliUsageException(string message) : Exception(message);

/// <summary><c>--name value</c> options and bare <c>--flag</c>s, read by name with typed accessors.</summary>
internal sealed class CliArguments
{
    private readonly Dictionary<string, string?> values = new(StringComparer.Ordinal);

    public static CliArguments Parse(IReadOnlyList<string> args)
    {
        var parsed = new CliArguments();
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
                throw new CliUsageException($"unexpected argument '{args[i]}'");
            var name = args[i][2..];
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
                parsed.values[name[..equals]] = name[(equals + 1)..];
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                parsed.values[name] = args[++i];
            else
                parsed.values[name] = null;
        }
        return parsed;
    }

    public bool Flag(string name) => values.ContainsKey(name);

    public string? Optional(string name) => values.GetValueOrDefault(name);

    public string Required(string name) => Optional(name) ?? throw new CliUsageException($"--{name} is required");

    public int Int(string name, int fallback) => Number(name, fallback, s => int.Parse(s, CultureInfo.InvariantCulture));

    public double Double(string name, double fallback) => Number(name, fallback, s => double.Parse(s, CultureInfo.InvariantCulture));

    private T Number<T>(string name, T fallback, Func<string, T> parse)
    {
        var text = Optional(name);
        if (text is null)
            return fallback;
        try
        {
            return parse(text);
        }
        catch (FormatException)
        {
            throw new CliUsageException($"--{name} must be a number, not '{text}'");
        }
    }

    /// <summary>The closing line every verb prints: one JSON object with its figures.</summary>
    public static void WriteSummary(TextWriter output, object summary) =>
        output.WriteLine(JsonSerializer.Serialize(summary, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
}
