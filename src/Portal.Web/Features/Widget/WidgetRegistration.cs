using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Widget;

namespace Portal.Web.Features.Widget;

internal static class WidgetRegistration
{
    public static WebApplicationBuilder AddPortalWidget(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WidgetOptions>().BindConfiguration("Widget").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<WidgetRateLimiter>();
        builder.Services.AddScoped<WidgetCaller.Filter>();
        builder.Services.AddScoped<WidgetSettingsStore>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }
}
