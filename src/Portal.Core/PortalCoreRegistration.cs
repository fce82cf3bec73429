using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.ApiKeys;
using Portal.Auditing;
using Portal.Data;
using Portal.Data.Migrations;
using Portal.Identity;
using Portal.Members;
using Portal.Tenancy;

namespace Portal;

public static class PortalCoreRegistration
{
    /// <summary>PBKDF2 iterations for password hashes (OWASP's 2023 figure for HMAC-SHA256 is 600,000).</summary>
    public const int PasswordHashIterations = 600_000;

    public static IServiceCollection AddPortalCore(this IServiceCollection services)
    {
        // Read when first resolved, so hosts and tests can layer configuration after registration.
        services.AddSingleton(sp => new NpgsqlDataSourceBuilder(
            sp.GetRequiredService<IConfiguration>().GetConnectionString("Portal")
            ?? throw new InvalidOperationException("ConnectionStrings:Portal is not configured.")).Build());
        // Scoped factory: contexts share the operation's TenantContext for their query filters.
        services.AddDbContextFactory<PortalDbContext>((sp, options) =>
            options.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()), ServiceLifetime.Scoped);
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext());

        services.AddScoped<TenantContext>();
        services.AddScoped<AfterCommit>();
        services.AddScoped<TenantDirectory>();
        services.AddScoped<TenantProvisioning>();
        services.AddScoped<AuditLog>();
        services.AddScoped<ApiKeyService>();
        services.AddScoped<ApiKeyResolver>();
        services.AddScoped<MemberService>();
        services.AddScoped<PlatformOperators>();
        services.AddScoped<TenantOverview>();
        services.AddScoped<Portal.Documents.DocumentQueries>();
        services.AddSingleton<MigrationRunner>();

        services.Configure<PasswordHasherOptions>(o => o.IterationCount = PasswordHashIterations);
        services.AddIdentityCore<PortalUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 10;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Lockout.AllowedForNewUsers = true;
                // Five wrong passwords are forgiven; the sixth locks the account.
                o.Lockout.MaxFailedAccessAttempts = 6;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.SignIn.RequireConfirmedAccount = false;
            })
            .AddEntityFrameworkStores<PortalDbContext>();
        return services;
    }
}
