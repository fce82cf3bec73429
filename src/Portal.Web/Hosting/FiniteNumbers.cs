using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Web.Hosting;

/// <summary>
/// Request numbers are finite: <c>"NaN"</c>, <c>"Infinity"</c> and <c>1e400</c> fail binding (a 400 naming the field)
/// instead of slipping past range checks, which NaN passes, into stored settings.
/// </summary>
internal sealed class FiniteDoubleConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        FiniteNumbers.Read(ref reader);

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(double.IsFinite(value) ? value : 0);
}

internal sealed class FiniteSingleConverter : JsonConverter<float>
{
    public override float Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = FiniteNumbers.Read(ref reader);
        return value is > float.MaxValue or < float.MinValue ? throw new JsonException("Out of range.") : (float)value;
    }

    public override void Write(Utf8JsonWriter writer, float value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(float.IsFinite(value) ? value : 0);
}

internal static class FiniteNumbers
{
    public static double Read(ref Utf8JsonReader reader)
    {
        var value = reader.TokenType switch
        {
            JsonTokenType.Number when reader.TryGetDouble(out var d) => d,
            // Numbers in strings stay accepted, as the web defaults allow, but only plain ones.
            JsonTokenType.String when double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) => s,
            _ => throw new JsonException("Not a number."),
        };
        return double.IsFinite(value) ? value : throw new JsonException("Not a finite number.");
    }
}
