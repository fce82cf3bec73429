using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Portal.ApiKeys;
using Portal.Auditing;
using Portal.Documents;
using Portal.Identity;
using Portal.Members;
using Portal.Tenancy;

namespace Portal.Data;

/// <summary>
/// The model is mapped by hand onto the schema that <c>migrations/*.sql</c> creates; the SQL is the
/// source of truth and a test checks that the two agree. Row-level security is the guard; the query
/// filters here only save each query from repeating <c>WHERE tenant_id = …</c>.
/// </summary>
public class PortalDbContext(DbContextOptions<PortalDbContext> options, TenantContext tenant)
    : IdentityUserContext<PortalUser, Guid>(options)
{
    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<Invitation> Invitations => Set<Invitation>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();
    public DbSet<KnowledgeBase> KnowledgeBases => Set<KnowledgeBase>();
    public DbSet<Document> Documents => Set<Document>();
    public DbSet<Chunk> Chunks => Set<Chunk>();

    internal Guid? CurrentTenantId => tenant.TenantId;

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        MapIdentity(builder);
        MapTenancy(builder);
        MapDocuments(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
        SnakeCaseColumns.Apply(builder);
    }

    private static void MapIdentity(ModelBuilder builder)
    {
        builder.Entity<PortalUser>(e =>
        {
            e.ToTable("users");
            e.Property(u => u.CreatedAt).ValueGeneratedOnAdd();
        });
        builder.Entity<IdentityUserClaim<Guid>>().ToTable("user_claims");
        builder.Entity<IdentityUserLogin<Guid>>().ToTable("user_logins");
        builder.Entity<IdentityUserToken<Guid>>().ToTable("user_tokens");
    }

    private void MapDocuments(ModelBuilder builder)
    {
        builder.Entity<KnowledgeBase>(e =>
        {
            e.ToTable("knowledge_bases");
            e.Property(k => k.Chunking).HasColumnType("jsonb");
            e.Property(k => k.Retrieval).HasColumnType("jsonb");
            e.Property(k => k.CreatedAt).ValueGeneratedOnAdd();
            e.Property(k => k.UpdatedAt).ValueGeneratedOnAdd();
            e.HasOne<Tenant>().WithMany().HasForeignKey(k => k.TenantId);
            e.HasQueryFilter(k => k.TenantId == CurrentTenantId);
        });
        builder.Entity<Document>(e =>
        {
            e.ToTable("documents");
            e.Property(d => d.Status).HasConversion<string>();
            e.Property(d => d.Timings).HasColumnType("jsonb");
            e.Property(d => d.CreatedAt).ValueGeneratedOnAdd();
            e.HasOne<Tenant>().WithMany().HasForeignKey(d => d.TenantId);
            e.HasOne<KnowledgeBase>().WithMany().HasForeignKey(d => d.KnowledgeBaseId);
            e.HasQueryFilter(d => d.TenantId == CurrentTenantId);
        });
        builder.Entity<Chunk>(e =>
        {
            e.ToTable("chunks");
            e.Property(c => c.Id).UseIdentityAlwaysColumn();
            e.Property(c => c.CreatedAt).ValueGeneratedOnAdd();
            e.HasIndex(c => new { c.DocumentId, c.DocumentVersion, c.ChunkIndex }).IsUnique();
            e.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId);
            e.HasOne<KnowledgeBase>().WithMany().HasForeignKey(c => c.KnowledgeBaseId);
            e.HasOne<Document>().WithMany().HasForeignKey(c => c.DocumentId);
            e.HasQueryFilter(c => c.TenantId == CurrentTenantId);
        });
    }

    private void MapTenancy(ModelBuilder builder)
    {
        builder.Entity<Tenant>(e =>
        {
            e.ToTable("tenants");
            e.Property(t => t.Status).HasConversion(s => s.ToString().ToLowerInvariant(), s => Enum.Parse<TenantStatus>(s, true));
            e.Property(t => t.CreatedAt).ValueGeneratedOnAdd();
            e.HasQueryFilter(t => t.Id == CurrentTenantId);
        });
        builder.Entity<Membership>(e =>
        {
            e.ToTable("memberships");
            e.HasKey(m => new { m.TenantId, m.UserId });
            e.Property(m => m.Role).HasConversion<string>();
            e.Property(m => m.CreatedAt).ValueGeneratedOnAdd();
            e.HasOne<Tenant>().WithMany().HasForeignKey(m => m.TenantId);
            e.HasOne<PortalUser>().WithMany().HasForeignKey(m => m.UserId);
            e.HasQueryFilter(m => m.TenantId == CurrentTenantId);
        });
        builder.Entity<Invitation>(e =>
        {
            e.ToTable("invitations");
            e.Property(i => i.Role).HasConversion<string>();
            e.Property(i => i.Email).HasColumnType("citext");
            e.Property(i => i.CreatedAt).ValueGeneratedOnAdd();
            e.HasOne<Tenant>().WithMany().HasForeignKey(i => i.TenantId);
            e.HasQueryFilter(i => i.TenantId == CurrentTenantId);
        });
        builder.Entity<ApiKey>(e =>
        {
            e.ToTable("api_keys");
            e.Property(k => k.Kind).HasConversion(k => k.ToString().ToLowerInvariant(), k => Enum.Parse<ApiKeyKind>(k, true));
            e.Property(k => k.CreatedAt).ValueGeneratedOnAdd();
            e.HasOne<Tenant>().WithMany().HasForeignKey(k => k.TenantId);
            e.HasQueryFilter(k => k.TenantId == CurrentTenantId);
        });
        builder.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_log");
            e.Property(a => a.Id).UseIdentityAlwaysColumn();
            e.Property(a => a.Details).HasColumnType("jsonb");
            e.Property(a => a.At).ValueGeneratedOnAdd();
            e.HasOne<Tenant>().WithMany().HasForeignKey(a => a.TenantId);
            e.HasQueryFilter(a => a.TenantId == CurrentTenantId);
        });
    }
}
