using System.Buffers.Binary;
using System.Text;
using Portal.Ml.Serialization;

namespace Portal.Ml.Tests.Serialization;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("portal-safetensors-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>The file for {a: F32 [1, -2], b: I64 [[7]]} with metadata {format: pt}, laid out by hand from the spec.</summary>
    private static byte[] HandLaidFixture()
    {
        var json = """{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I64","shape":[1,1],"data_offsets":[8,16]}}""";
        var header = Encoding.UTF8.GetBytes(json).ToList();
        while (header.Count % 8 != 0)
            header.Add(0x20);

        var bytes = new List<byte>();
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Count);
        bytes.AddRange(length);
        bytes.AddRange(header);
        bytes.AddRange(BitConverter.GetBytes(1.0f));
        bytes.AddRange(BitConverter.GetBytes(-2.0f));
        bytes.AddRange(BitConverter.GetBytes(7L));
        return [.. bytes];
    }

    [Fact]
    public void The_writer_produces_the_bytes_the_spec_lays_out()
    {
        using var scope = torch.NewDisposeScope();
        var path = Path.Combine(folder, "fixture.safetensors");

        // inserted out of order on purpose: the header must come out sorted
        SafeTensors.Save(path, new Dictionary<string, Tensor>
        {
            ["b"] = torch.tensor([7L], [1, 1]),
            ["a"] = torch.tensor([1.0f, -2.0f]),
        }, new Dictionary<string, string> { ["format"] = "pt" });

        File.ReadAllBytes(path).ShouldBe(HandLaidFixture());
    }

    [Fact]
    public void The_reader_reads_the_hand_laid_fixture()
    {
        using var scope = torch.NewDisposeScope();
        var path = Path.Combine(folder, "by-hand.safetensors");
        File.WriteAllBytes(path, HandLaidFixture());

        using var reader = new SafeTensorsReader(path);

        reader.Metadata.ShouldBe(new Dictionary<string, string> { ["format"] = "pt" });
        reader.Names.Order().ShouldBe(["a", "b"]);
        reader.Load("a").data<float>().ShouldBe([1.0f, -2.0f]);
        var b = reader.Load("b");
        b.shape.ShouldBe([1L, 1L]);
        b.data<long>().ShouldBe([7L]);
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float16)]
    [InlineData(ScalarType.BFloat16)]
    [InlineData(ScalarType.Int64)]
    public void Tensors_survive_a_round_trip_bit_for_bit(ScalarType dtype)
    {
        using var scope = torch.NewDisposeScope();
        EngineTestSetup.Deterministic(9);
        var original = (torch.randn([3, 5]) * 100.0).to(dtype);
        var path = Path.Combine(folder, $"{dtype}.safetensors");

        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = original });
        var loaded = SafeTensors.Load(path)["w"];

        loaded.dtype.ShouldBe(dtype);
        loaded.shape.ShouldBe([3L, 5L]);
        Bytes(loaded).ShouldBe(Bytes(original));
    }

    [Fact]
    public void A_header_that_points_past_the_end_is_rejected()
    {
        var bytes = HandLaidFixture();
        var path = Path.Combine(folder, "truncated.safetensors");
        File.WriteAllBytes(path, bytes[..^4]);

        Should.Throw<InvalidDataException>(() => new SafeTensorsReader(path).Dispose());
    }

    private static byte[] Bytes(Tensor tensor)
    {
        var bytes = new byte[tensor.ByteCount];
        tensor.CopyTo(bytes);
        return bytes;
    }
}
