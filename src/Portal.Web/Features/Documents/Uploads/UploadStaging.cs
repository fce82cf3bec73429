using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Portal.Documents;
using Portal.Documents.Detection;
using Portal.Documents.Uploads;

namespace Portal.Web.Features.Documents.Uploads;

/// <summary>
/// Reads a multipart body file by file straight to temporary files, hashing as it goes; nothing is
/// held in memory beyond a copy buffer. The format comes from the bytes, never the name or Content-Type.
/// </summary>
internal sealed class UploadStaging : IDisposable
{
    private const int BufferSize = 81920;
    public List<StagedFile> Files { get; } = [];

    public static async Task<UploadStaging> ReadAsync(HttpRequest request, long maxFileBytes, int maxFiles, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            throw new PortalException("multipart-required", "Send the files as multipart/form-data.", 415);
        if (HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
            throw new PortalException("bad-multipart", "The multipart/form-data Content-Type needs a boundary.", 400);

        var staging = new UploadStaging();
        try
        {
            var reader = new MultipartReader(boundary, request.Body);
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition())
                    continue;
                if (staging.Files.Count >= maxFiles)
                    throw new PortalException("too-many-files", $"Upload at most {maxFiles} files per request.", 413);
                var name = CleanName(disposition.FileNameStar.Value ?? disposition.FileName.Value);
                staging.Files.Add(await StageAsync(section.Body, name, maxFileBytes, ct));
            }
        }
        catch (Exception e) when (e is InvalidDataException || e is IOException and not BadHttpRequestException)
        {
            // A body cut short or parts without their headers: the client's request, not our failure.
            staging.Dispose();
            throw new PortalException("bad-multipart", "The multipart body is malformed or ends before its closing boundary.", 400);
        }
        catch
        {
            staging.Dispose();
            throw;
        }
        if (staging.Files.Count == 0)
        {
            staging.Dispose();
            throw PortalException.Invalid("The request contains no files; send each as a multipart part with a file name.");
        }
        return staging;
    }

    /// <summary>Stages files that are already at hand (the demo content, command-line imports) with the same checks as an upload.</summary>
    public static async Task<UploadStaging> FromStreamsAsync(IEnumerable<(string Name, Stream Content)> files, long maxFileBytes, CancellationToken ct)
    {
        var staging = new UploadStaging();
        try
        {
            foreach (var (name, content) in files)
                staging.Files.Add(await StageAsync(content, CleanName(name), maxFileBytes, ct));
        }
        catch
        {
            staging.Dispose();
            throw;
        }
        return staging;
    }

    private static async Task<StagedFile> StageAsync(Stream body, string name, long maxFileBytes, CancellationToken ct)
    {
        var path = Path.Combine(Path.GetTempPath(), $"portal-upload-{Guid.NewGuid():N}");
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long size = 0;
            var buffer = new byte[BufferSize];
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous))
            {
                int read;
                while ((read = await body.ReadAsync(buffer, ct)) > 0)
                {
                    size += read;
                    if (size > maxFileBytes)
                        throw new PortalException("file-too-large", $"'{name}' is larger than the limit of {maxFileBytes} bytes per file.", 413);
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            var format = FormatDetector.DetectFile(path);
            if (format == DocumentFormat.Unsupported)
                throw new PortalException("unsupported-file-type",
                    $"'{name}' is not a supported document (PDF, DOCX, XLSX, PPTX, HTML, Markdown, CSV or plain text).", 415);
            return new StagedFile(name, path, size, Convert.ToHexStringLower(hash.GetHashAndReset()), format);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    private static string CleanName(string? raw)
    {
        var name = SafeFileName.For(raw ?? "");
        return name.Length > 500 ? name[..500] : name;
    }

    public void Dispose()
    {
        foreach (var file in Files) File.Delete(file.TempPath);
        Files.Clear();
    }
}
