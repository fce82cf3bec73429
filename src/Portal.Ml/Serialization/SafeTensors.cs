using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Portal.Ml.Serialization;

/// <summary>
/// Writes the safetensors format: 8-byte little-endian header length, a compact JSON header
/// (<c>__metadata__</c> first, then tensors sorted by name, each with dtype, shape and data_offsets),
/// space padding to an 8-byte boundary, then the tensors' bytes back to back in the same order.
/// </summary>
public static class SafeTensors
{
    public const string MetadataKey = "__metadata__";

    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var names = tensors.Keys.Order(StringComparer.Ordinal).ToList();
        var header = BuildHeader(names, tensors, metadata);

        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 20);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        file.Write(length);
        file.Write(header);
        foreach (var name in names)
        {
            var bytes = new byte[tensors[name].ByteCount];
            tensors[name].CopyTo(bytes);
            file.Write(bytes);
        }
        file.Flush(flushToDisk: true);
    }

    public static Dictionary<string, Tensor> Load(string path)
    {
        using var reader = new SafeTensorsReader(path);
        return reader.Names.ToDictionary(name => name, reader.Load, StringComparer.Ordinal);
    }

    internal static string DtypeName(ScalarType type) => type switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Float64 => "F64",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"safetensors: {type} is not supported"),
    };

    internal static ScalarType ParseDtype(string name) => name switch
    {
        "F32" => ScalarType.Float32,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64,
        "F64" => ScalarType.Float64,
        "BOOL" => ScalarType.Bool,
        _ => throw new NotSupportedException($"safetensors: dtype {name} is not supported"),
    };

    private static byte[] BuildHeader(List<string> names, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var key in metadata.Keys.Order(StringComparer.Ordinal))
                    json.WriteString(key, metadata[key]);
                json.WriteEndObject();
            }

            long offset = 0;
            foreach (var name in names)
            {
                var tensor = tensors[name];
                json.WriteStartObject(name);
                json.WriteString("dtype", DtypeName(tensor.dtype));
                json.WriteStartArray("shape");
                foreach (var extent in tensor.shape)
                    json.WriteNumberValue(extent);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += tensor.ByteCount;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }

        var padding = (int)((8 - buffer.Length % 8) % 8);
        for (var i = 0; i < padding; i++)
            buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }
}
