namespace Portal.Web.Components.Billing;

/// <summary>The words a person reads for each limited resource (the localizer's keys).</summary>
internal static class BillingLabels
{
    public static string For(string resource) => resource switch
    {
        "knowledgeBases" => "Knowledge bases",
        "documents" => "Documents",
        "storageBytes" => "Storage",
        "questionsPerMonth" => "Questions this period",
        "widgetQuestionsPerDay" => "Widget questions today",
        "gpuMinutesPerMonth" => "GPU minutes this period",
        "members" => "Members",
        _ => resource,
    };
}
