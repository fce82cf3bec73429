using System.Text.Json.Serialization;

namespace Portal.Documents;

/// <summary>The format of an uploaded file, decided from its bytes alone.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DocumentFormat>))]
public enum DocumentFormat
{
    Unsupported = 0,
    Pdf,
    Docx,
    Xlsx,
    Pptx,
    Html,
    Markdown,
    Csv,
    PlainText,
}
