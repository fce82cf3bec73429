namespace Portal.IntegrationTests.Infrastructure;

/// <summary>Tests in this collection share one migrated database and app; each creates its own tenants.</summary>
[CollectionDefinition(Name)]
public sealed class DatabaseCollection : ICollectionFixture<SharedApp>
{
    public const string Name = "database";
}

/// <summary>One app over one fresh database. Tests that need other settings build a PortalApp over <see cref="PortalApp.Database"/>.</summary>
public sealed class SharedApp() : PortalApp(new PortalDatabase()), IAsyncLifetime
{
    public Task InitializeAsync() => Database.InitializeAsync();
    async Task IAsyncLifetime.DisposeAsync()
    {
        // The app (and its job scheduler) stops before its database is dropped, or the scheduler retries a missing database.
        await DisposeAsync();
        await Database.DisposeAsync();
    }
}
