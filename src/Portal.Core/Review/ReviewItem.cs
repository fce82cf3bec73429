namespace Portal.Review;

public sealed class ReviewItem
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid MessageId { get; set; }
    public Guid? KnowledgeBaseId { get; set; }

    /// <summary>Any of <c>thumbs_down</c>, <c>low_confidence</c>, <c>unknown</c>, <c>reported</c>.</summary>
    public string[] Reasons { get; set; } = [];

    public ReviewStatus Status { get; set; } = ReviewStatus.Open;
    public string? Correction { get; set; }
    public Guid? QaPairId { get; set; }
    public string? ResolvedBy { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public enum ReviewStatus { Open, Approved, Corrected, Dismissed }

public static class ReviewReasons
{
    public const string ThumbsDown = "thumbs_down";
    public const string LowConfidence = "low_confidence";
    public const string Unknown = "unknown";
    public const string Reported = "reported";
}

public sealed class Feedback
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid MessageId { get; set; }
    public required string Rating { get; set; }
    public string? Comment { get; set; }
    public required string Channel { get; set; }
    public required string GivenBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class ChunkFlag
{
    public Guid TenantId { get; set; }
    public long ChunkId { get; set; }
    public Guid? ReviewItemId { get; set; }
    public required string MarkedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class PreferencePair
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid? KnowledgeBaseId { get; set; }
    public Guid? ReviewItemId { get; set; }
    public required string Prompt { get; set; }
    public required string Chosen { get; set; }
    public required string Rejected { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
