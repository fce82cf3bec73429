using System.IO.Compression;

namespace Portal.Documents.Detection;

/// <summary>Tells DOCX, XLSX and PPTX apart by the parts a package declares; any other zip is unsupported.</summary>
internal static class OfficePackageInspector
{
    private const int MaxContentTypesBytes = 1024 * 1024;

    public static DocumentFormat Inspect(Stream zipStream)
    {
        try
        {
            using var archive = new ZipArchive(zipStream, ZipArchiveMode.Read, leaveOpen: true);
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            ZipArchiveEntry? contentTypes = null;
            foreach (var entry in archive.Entries)
            {
                names.Add(entry.FullName);
                if (entry.FullName == "[Content_Types].xml")
                    contentTypes = entry;
            }
            if (contentTypes is null)
                return DocumentFormat.Unsupported;

            var declared = ReadContentTypes(contentTypes);
            if (declared.Contains("wordprocessingml.document.main+xml", StringComparison.Ordinal) || names.Contains("word/document.xml"))
                return DocumentFormat.Docx;
            if (declared.Contains("spreadsheetml.sheet.main+xml", StringComparison.Ordinal) || names.Contains("xl/workbook.xml"))
                return DocumentFormat.Xlsx;
            if (declared.Contains("presentationml.presentation.main+xml", StringComparison.Ordinal) || names.Contains("ppt/presentation.xml"))
                return DocumentFormat.Pptx;
            return DocumentFormat.Unsupported;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException or ArgumentException)
        {
            return DocumentFormat.Unsupported;
        }
    }

    private static string ReadContentTypes(ZipArchiveEntry entry)
    {
        if (entry.Length > MaxContentTypesBytes)
            return "";
        using var stream = entry.Open();
        var buffer = new byte[Math.Min(entry.Length, MaxContentTypesBytes)];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, read);
    }
}
