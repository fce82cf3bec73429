using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;

namespace Portal.IntegrationTests.Hostile;

/// <summary>Raw JSON values a hostile client sends: random strings (controls, surrogates, any Unicode), numbers that
/// are not numbers, huge numbers, wrong types, deep nesting.</summary>
internal static class HostileJson
{
    private static readonly string[] Fixed =
    [
        "\"\\u0000\"", "\"a\\u0000b\"", "\"\\u0007\\u001b[31m\"", "\"\\u007f\"", "\"\\u0085\"", "\"\\ud800\"", "\"x\\udc00\"", "\"\\udbff\\udbff\"",
        "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"1e400\"", "1e400", "-1e400", "1e-400", "99999999999999999999999999", "-1", "0",
        "2147483648", "-2147483649", "9223372036854775808", "1.5", "true", "null", "[]", "{}", "\"\"", "\" \"",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "{\"a\":{\"b\":{\"c\":{\"d\":\"\\u0000\"}}}", "[\"\\u0000\"]",
        "\"\\u202e\"", "\"\\u200b\"", "\"\\u200b\\u200c\\ufeff\"", "\"%\"", "\"_\"", "\"\\\\\"", "\"(((((\"", "\"😀🔥\"", "\"???\"",
        "\"'; DROP TABLE tenants; --\"", "\"../../etc/passwd\"", "\"http://169.254.169.254/latest\"", "\"http://2130706433/\"",
        "\"2026-13-45T99:99:99Z\"", "\"00000000-0000-0000-0000-000000000000\"", "\"not-a-guid\"", "\"<script>alert(1)</script>\"",
        "\"" + new string('a', 70_000) + "\"", "[" + string.Join(",", Enumerable.Repeat("\"x\"", 5000)) + "]",
    ];

    public static Gen<string> Values { get; } = Gen.Frequency(
        (3, Gen.Elements(Fixed)),
        (2, ArbMap.Default.GeneratorFor<string>().Where(s => s is not null).Select(Quote)),
        (1, ArbMap.Default.GeneratorFor<double>().Select(d => double.IsFinite(d) ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "\"NaN\"")),
        (1, ArbMap.Default.GeneratorFor<long>().Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    // Lone surrogates cannot be encoded by the serializer; they are written as escapes, as a hostile client would.
    private static string Quote(string s)
    {
        var json = new System.Text.StringBuilder("\"");
        foreach (var c in s)
            json.Append(c is < ' ' or '"' or '\\' || char.IsSurrogate(c) || c > '~' ? $"\\u{(int)c:x4}" : c.ToString());
        return json.Append('"').ToString();
    }
}
