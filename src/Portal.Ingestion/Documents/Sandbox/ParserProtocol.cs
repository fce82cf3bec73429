using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Documents.Parsing;

namespace Portal.Documents.Sandbox;

/// <summary>One file for the child to parse; sent as a single JSON line on its standard input.</summary>
internal sealed record ParseRequest(string Path, DocumentFormat Format, IngestionLimits Limits, OcrOptions Ocr, NativeToolLimits Tools, int CpuSecondsPerFile)
{
    public ParserSettings Settings => new(Limits, Ocr, Tools);
}

/// <summary>The line protocol between host and child: one JSON request line in, one JSON outcome line out.</summary>
internal static class ParserProtocol
{
    public const string WorkerArgument = "--worker";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
        // Chinese text stays as UTF-8 instead of six-byte escapes; the output is never embedded in HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Json);
    public static T? Deserialize<T>(string line) => JsonSerializer.Deserialize<T>(line, Json);
}
