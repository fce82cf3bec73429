using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portal.Jobs;

namespace Portal.Billing;

public static class BillingRegistration
{
    /// <summary>Plans and quotas (always), Stripe checkout, webhooks and the meter report (when a secret key is set).</summary>
    public static IServiceCollection AddPortalBilling(this IServiceCollection services)
    {
        services.AddOptions<BillingOptions>().BindConfiguration("Billing").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<BillingOptions>, BillingOptionsValidation>();
        services.AddHttpClient(StripeAccount.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<StripeAccount>();
        services.AddScoped<Quotas>();
        services.AddScoped<BillingOverview>();
        services.AddScoped<BillingCheckout>();
        services.AddScoped<StripeWebhooks>();
        services.AddTransient<ReportMeteredUsageJob>();
        services.AddSingleton<IRecurringJobSchedule, MeterReportSchedule>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
