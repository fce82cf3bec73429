namespace Portal.TestSupport.Fixtures;

/// <summary>Derives broken files from valid ones: byte flips, truncations, random insertions and duplicated chunks.</summary>
public static class Mutator
{
    public static byte[] Mutate(byte[] seed, Random random)
    {
        // Office files: half the time damage one part inside a still-valid zip, so the XML parsers are reached.
        if (seed.AsSpan().StartsWith("PK"u8) && random.Next(2) == 0)
            return MutateInsidePackage(seed, random);
        return MutateBytes(seed, random);
    }

    private static byte[] MutateInsidePackage(byte[] package, Random random)
    {
        using var stream = new MemoryStream();
        stream.Write(package);
        using (var archive = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Update, leaveOpen: true))
        {
            var entries = archive.Entries.Where(e => e.Length > 0).ToList();
            var entry = entries[random.Next(entries.Count)];
            byte[] content;
            using (var reader = entry.Open())
            using (var copy = new MemoryStream())
            {
                reader.CopyTo(copy);
                content = copy.ToArray();
            }
            var name = entry.FullName;
            entry.Delete();
            using var writer = archive.CreateEntry(name).Open();
            writer.Write(MutateBytes(content, random));
        }
        return stream.ToArray();
    }

    private static byte[] MutateBytes(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        var operations = random.Next(1, 4);
        for (var i = 0; i < operations && bytes.Count > 0; i++)
        {
            switch (random.Next(4))
            {
                case 0:
                    for (var flips = random.Next(1, 16); flips > 0; flips--)
                        bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    var cut = random.Next(bytes.Count);
                    bytes.RemoveRange(cut, bytes.Count - cut);
                    break;
                case 2:
                    var insert = new byte[random.Next(1, 256)];
                    random.NextBytes(insert);
                    bytes.InsertRange(random.Next(bytes.Count + 1), insert);
                    break;
                default:
                    var start = random.Next(bytes.Count);
                    var length = Math.Min(random.Next(1, 4096), bytes.Count - start);
                    var chunk = bytes.GetRange(start, length);
                    for (var copies = random.Next(1, 8); copies > 0; copies--)
                        bytes.InsertRange(random.Next(bytes.Count + 1), chunk);
                    break;
            }
        }
        return [.. bytes];
    }
}
