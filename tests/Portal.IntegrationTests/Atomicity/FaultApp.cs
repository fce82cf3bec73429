using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Atomicity;

/// <summary>The real app with a <see cref="FaultInjector"/> on every DbContext, armed per request by a header.</summary>
internal sealed class FaultApp(PortalDatabase database) : PortalApp(database)
{
    public FaultInjector Faults { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.ConfigureDbContext<PortalDbContext>((_, options) => options.AddInterceptors(Faults));
            services.AddSingleton<IStartupFilter>(new ArmingFilter(Faults));
        });
    }

    private sealed class ArmingFilter(FaultInjector faults) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (HttpContext http, RequestDelegate nextMiddleware) =>
            {
                if (!int.TryParse(http.Request.Headers[FaultInjector.Header], out var failAfter))
                {
                    await nextMiddleware(http);
                    return;
                }
                faults.Begin(failAfter);
                try { await nextMiddleware(http); }
                catch (InjectedFaultException) { http.Response.StatusCode = 500; }
                finally { faults.End(); }
            });
            next(app);
        };
    }
}
