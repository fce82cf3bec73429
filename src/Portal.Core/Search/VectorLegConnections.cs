using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Portal.Data;
using Portal.Tenancy;

namespace Portal.Search;

/// <summary>
/// A connection pool of its own for the vector leg that hybrid search runs beside the keyword leg. A
/// search holds its request's connection while it waits for this one; drawn from one pool, a pool full
/// of searches would each wait for a second connection that none of them can free.
/// </summary>
internal sealed class VectorLegConnections(IConfiguration configuration) : IAsyncDisposable
{
    private readonly Lazy<(NpgsqlDataSource Source, DbContextOptions<PortalDbContext> Options)> pool = new(() =>
    {
        var source = new NpgsqlDataSourceBuilder(configuration.GetConnectionString("Portal")
            ?? throw new InvalidOperationException("ConnectionStrings:Portal is not configured.")).Build();
        return (source, new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql(source).Options);
    });

    public PortalDbContext CreateContext(TenantContext tenant) => new(pool.Value.Options, tenant);

    public ValueTask DisposeAsync() => pool.IsValueCreated ? pool.Value.Source.DisposeAsync() : ValueTask.CompletedTask;
}
