namespace Portal.Tests.Documents.Fixtures;

/// <summary>Derives broken files from valid ones: byte flips, truncations, random insertions and duplicated chunks.</summary>
public static class Mutator
{
    public static byte[] Mutate(byte[] seed, Random random)
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
