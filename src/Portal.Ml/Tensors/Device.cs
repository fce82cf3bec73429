namespace Portal.Ml;

public enum DeviceType { CPU = 0, CUDA = 1 }

/// <summary>Where a tensor lives. <c>new Device("cuda:1")</c> and <c>torch.CPU</c> read like TorchSharp.</summary>
public sealed record Device(DeviceType type, int index = -1)
{
    public Device(string description) : this(Parse(description).type, Parse(description).index) { }

    public override string ToString() => type == DeviceType.CPU ? "cpu" : index < 0 ? "cuda" : $"cuda:{index}";

    private static (DeviceType type, int index) Parse(string description)
    {
        var parts = description.Trim().ToLowerInvariant().Split(':');
        var type = parts[0] switch
        {
            "cpu" => DeviceType.CPU,
            "cuda" => DeviceType.CUDA,
            _ => throw new ArgumentException($"unknown device '{description}'", nameof(description)),
        };
        return (type, parts.Length > 1 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : -1);
    }
}
