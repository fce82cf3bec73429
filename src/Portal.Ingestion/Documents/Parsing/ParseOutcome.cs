using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Portal.Documents.Parsing;

/// <summary>How the ingestion pipeline should treat a failure: retry later, or give up on the file.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ParseFailureKind>))]
public enum ParseFailureKind
{
    /// <summary>The file itself is the problem; retrying will fail the same way.</summary>
    Fatal,
    /// <summary>The machine was the problem (could not start the parser); retrying may succeed.</summary>
    Transient,
}

[JsonConverter(typeof(JsonStringEnumConverter<ParseFailureReason>))]
public enum ParseFailureReason
{
    Malformed,
    Unsupported,
    Encrypted,
    TooLarge,
    ArchiveBomb,
    Timeout,
    CpuLimit,
    MemoryLimit,
    Crashed,
    SandboxUnavailable,
}

public sealed record ParseFailure(ParseFailureKind Kind, ParseFailureReason Reason, string Message)
{
    public static ParseFailure Fatal(ParseFailureReason reason, string message) => new(ParseFailureKind.Fatal, reason, message);
    public static ParseFailure Transient(ParseFailureReason reason, string message) => new(ParseFailureKind.Transient, reason, message);
    public override string ToString() => $"{Kind} {Reason}: {Message}";
}

/// <summary>Either a parsed document or a classified failure; parsing never throws for a bad file.</summary>
public sealed record ParseOutcome
{
    public ParsedDocument? Document { get; init; }
    public ParseFailure? Failure { get; init; }

    [MemberNotNullWhen(true, nameof(Document))]
    [MemberNotNullWhen(false, nameof(Failure))]
    [JsonIgnore]
    public bool Succeeded => Document is not null;

    public static ParseOutcome Success(ParsedDocument document) => new() { Document = document };
    public static ParseOutcome Failed(ParseFailure failure) => new() { Failure = failure };
    public static ParseOutcome Fatal(ParseFailureReason reason, string message) => Failed(ParseFailure.Fatal(reason, message));
}

/// <summary>Thrown inside parsers for a file that cannot be read; turned into a Fatal outcome at the boundary.</summary>
internal sealed class DocumentRejectedException(ParseFailureReason reason, string message) : Exception(message)
{
    public ParseFailureReason Reason { get; } = reason;
}
