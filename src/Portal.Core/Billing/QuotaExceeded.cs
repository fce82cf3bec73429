namespace Portal.Billing;

/// <summary>402 <c>urn:portal:problem:quota-exceeded</c> with <c>{resource, limit, used}</c>.</summary>
public static class QuotaExceeded
{
    public const string Code = "quota-exceeded";

    public static PortalException Over(QuotaResource resource, long limit, long used) =>
        new(Code, $"The plan allows {limit} {Describe(resource)}; {used} are used. Upgrade the plan or free some up.", 402)
        {
            Extensions = new Dictionary<string, object?> { ["resource"] = resource.Name(), ["limit"] = limit, ["used"] = used },
        };

    public static PortalException ReadOnly(QuotaResource resource, long? limit, long used, DateTimeOffset? graceEnded) =>
        new(Code, "The subscription's payment is overdue" + (graceEnded is { } at ? $" and its grace period ended at {at:u}" : "")
            + ": the tenant keeps what it has but cannot add more until the invoice is paid.", 402)
        {
            Extensions = new Dictionary<string, object?>
            {
                ["resource"] = resource.Name(), ["limit"] = limit, ["used"] = used, ["reason"] = "payment-overdue",
            },
        };

    private static string Describe(QuotaResource resource) => resource switch
    {
        QuotaResource.KnowledgeBases => "knowledge bases",
        QuotaResource.Documents => "documents",
        QuotaResource.StorageBytes => "bytes of document storage",
        QuotaResource.QuestionsPerMonth => "questions per billing period",
        QuotaResource.WidgetQuestionsPerDay => "widget questions per day",
        QuotaResource.GpuMinutesPerMonth => "GPU minutes per billing period",
        QuotaResource.Members => "members (pending invitations included)",
        _ => resource.Name(),
    };
}
