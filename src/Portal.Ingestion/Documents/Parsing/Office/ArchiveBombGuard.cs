using System.IO.Compression;

namespace Portal.Documents.Parsing.Office;

/// <summary>
/// Reads an Office file's zip central directory before anything is decompressed, and refuses
/// packages whose entries would inflate past the limits (zip bombs).
/// </summary>
internal static class ArchiveBombGuard
{
    public static void Check(Stream package, IngestionLimits limits)
    {
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(package, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new DocumentRejectedException(ParseFailureReason.Malformed, $"The Office file is not a readable zip archive: {e.Message}");
        }

        using (archive)
        {
            if (archive.Entries.Count > limits.MaxArchiveEntries)
                throw Bomb($"it has {archive.Entries.Count} entries (limit {limits.MaxArchiveEntries})");

            long total = 0;
            foreach (var entry in archive.Entries)
            {
                total += entry.Length;
                if (total > limits.MaxUncompressedBytes)
                    throw Bomb($"it would inflate to more than {limits.MaxUncompressedBytes:N0} bytes");
                if (entry.Length >= limits.CompressionRatioMinEntryBytes
                    && entry.Length > (double)Math.Max(entry.CompressedLength, 1) * limits.MaxCompressionRatio)
                {
                    throw Bomb($"entry '{entry.FullName}' expands {entry.Length / Math.Max(entry.CompressedLength, 1):N0}:1 (limit {limits.MaxCompressionRatio}:1)");
                }
            }
        }
        package.Position = 0;
    }

    private static DocumentRejectedException Bomb(string why) =>
        new(ParseFailureReason.ArchiveBomb, $"The Office file was refused as a possible zip bomb: {why}.");
}
