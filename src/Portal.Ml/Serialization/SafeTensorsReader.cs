using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Text;
using System.Text.Json;

namespace Portal.Ml.Serialization;

/// <summary>
/// Reads a safetensors file through a read-only memory map: the header is parsed once and each
/// <see cref="Load"/> copies one tensor's bytes straight from the mapped pages into libtorch.
/// </summary>
public sealed unsafe class SafeTensorsReader : IDisposable
{
    private readonly MemoryMappedFile map;
    private readonly MemoryMappedViewAccessor view;
    private readonly byte* start;
    private readonly long dataStart;
    private readonly long length;
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);

    public SafeTensorsReader(string path)
    {
        length = new FileInfo(path).Length;
        if (length < 8)
            throw new InvalidDataException($"{path} is too short to be a safetensors file");
        map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, 0, MemoryMappedFileAccess.Read);
        view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        start = pointer + view.PointerOffset;

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(start, 8));
        if (headerLength > (ulong)(length - 8))
            throw new InvalidDataException($"{path}: header length {headerLength} runs past the end of the file");
        dataStart = 8 + (long)headerLength;
        Metadata = ParseHeader(new ReadOnlySpan<byte>(start + 8, (int)headerLength), path);
    }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    public IReadOnlyCollection<string> Names => entries.Keys;

    public Tensor Load(string name)
    {
        if (!entries.TryGetValue(name, out var entry))
            throw new KeyNotFoundException($"safetensors file has no tensor '{name}'");
        return torch.from_bytes(new ReadOnlySpan<byte>(start + dataStart + entry.Begin, checked((int)(entry.End - entry.Begin))), entry.Type, entry.Shape);
    }

    public void Dispose()
    {
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Dispose();
        map.Dispose();
    }

    private Dictionary<string, string> ParseHeader(ReadOnlySpan<byte> header, string path)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(Encoding.UTF8.GetString(header));
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Name == SafeTensors.MetadataKey)
            {
                foreach (var item in property.Value.EnumerateObject())
                    metadata[item.Name] = item.Value.GetString() ?? "";
                continue;
            }

            var type = SafeTensors.ParseDtype(property.Value.GetProperty("dtype").GetString() ?? "");
            var shape = property.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var offsets = property.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var expected = shape.Aggregate(1L, (a, b) => a * b) * type.ElementSize();
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] - offsets[0] != expected || dataStart + offsets[1] > length)
                throw new InvalidDataException($"{path}: tensor '{property.Name}' has inconsistent data_offsets");
            entries[property.Name] = new Entry(type, shape, offsets[0], offsets[1]);
        }
        return metadata;
    }

    private sealed record Entry(ScalarType Type, long[] Shape, long Begin, long End);
}
