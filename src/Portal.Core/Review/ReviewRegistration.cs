using Microsoft.Extensions.DependencyInjection;
using Portal.Curation;

namespace Portal.Review;

public static class ReviewRegistration
{
    /// <summary>Feedback, the review queue and its dashboard.</summary>
    public static IServiceCollection AddPortalReview(this IServiceCollection services)
    {
        services.AddScoped<FeedbackService>();
        services.AddScoped<ReviewQueue>();
        services.AddScoped<ReviewActions>();
        services.AddScoped<ReviewInsights>();
        return services;
    }
}
