using System.ComponentModel.DataAnnotations;
using Portal.Documents;

namespace Portal.Documents.Uploads;

internal sealed class UploadOptions
{
    /// <summary>Files accepted in one upload request; the request body limit is this times <c>Ingestion:Limits:MaxFileBytes</c>.</summary>
    [Range(1, 1000)]
    public int MaxFilesPerRequest { get; set; } = 20;
}

/// <summary>An uploaded file on local disk, hashed and typed, waiting for the database to accept it.</summary>
internal sealed record StagedFile(string Name, string TempPath, long SizeBytes, string Sha256, DocumentFormat Format);
