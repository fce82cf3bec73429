using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Ml.Training.Lora;

/// <summary>One alpaca-format pair: <c>{"instruction": …, "input": …, "output": …}</c>.</summary>
public sealed record InstructionExample(
    [property: JsonPropertyName("instruction")] string Instruction,
    [property: JsonPropertyName("input")] string Input,
    [property: JsonPropertyName("output")] string Output)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    /// <summary>Reads JSONL (one object per line; blank lines skipped). A missing <c>input</c> reads as empty.</summary>
    public static List<InstructionExample> ReadJsonl(string path)
    {
        var examples = new List<InstructionExample>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            var raw = JsonSerializer.Deserialize<Raw>(line, Json)
                ?? throw new InvalidDataException($"{path}:{lineNumber}: not a JSON object");
            if (string.IsNullOrEmpty(raw.Instruction) || raw.Output is null)
                throw new InvalidDataException($"{path}:{lineNumber}: 'instruction' and 'output' are required");
            examples.Add(new InstructionExample(raw.Instruction, raw.Input ?? "", raw.Output));
        }
        return examples;
    }

    private sealed record Raw(string? Instruction, string? Input, string? Output);
}
