using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Portal.ApiKeys;
using Portal.Auditing;
using Portal.Billing;
using Portal.Chat;
using Portal.Curation;
using Portal.Review;
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
    public DbSet<TenantSettings> TenantSettings => Set<TenantSettings>();
    public DbSet<GeneratorConfig> GeneratorConfigs => Set<GeneratorConfig>();
    public DbSet<QaPair> QaPairs => Set<QaPair>();
    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<Feedback> Feedback => Set<Feedback>();
    public DbSet<ReviewItem> ReviewItems => Set<ReviewItem>();
    public DbSet<ChunkFlag> ChunkFlags => Set<ChunkFlag>();
    public DbSet<PreferencePair> PreferencePairs => Set<PreferencePair>();
    public DbSet<WidgetUsage> WidgetUsage => Set<WidgetUsage>();
    public DbSet<TenantBilling> TenantBilling => Set<TenantBilling>();
    public DbSet<BillingInvoice> BillingInvoices => Set<BillingInvoice>();
    public DbSet<MeteredUsage> MeteredUsage => Set<MeteredUsage>();

    internal Guid? CurrentTenantId => tenant.TenantId;

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        MapIdentity(builder);
        MapTenancy(builder);
        MapDocuments(builder);
        MapChat(builder);
        MapBilling(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
        SnakeCaseColumns.Apply(builder);
    }

    private void MapBilling(ModelBuilder builder)
    {
        builder.Entity<TenantBilling>(e =>
        {
            e.ToTable("tenant_billing");
            e.HasKey(b => b.TenantId);
            e.HasQueryFilter(b => b.TenantId == CurrentTenantId);
        });
        builder.Entity<BillingInvoice>(e =>
        {
            e.ToTable("billing_invoices");
            e.HasQueryFilter(i => i.TenantId == CurrentTenantId);
        });
        builder.Entity<MeteredUsage>(e =>
        {
            e.ToTable("metered_usage");
            e.Property(u => u.Quantity).HasColumnType("numeric(14,3)");
            e.HasQueryFilter(u => u.TenantId == CurrentTenantId);
        });
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
            e.HasOne<QaPair>().WithMany().HasForeignKey(c => c.QaPairId);
            e.HasQueryFilter(c => c.TenantId == CurrentTenantId);
        });
    }

    private void MapChat(ModelBuilder builder)
    {
        builder.Entity<TenantSettings>(e =>
        {
            e.ToTable("tenant_settings");
            e.HasKey(t => t.TenantId);
            e.Property(t => t.Chat).HasColumnType("jsonb");
            e.Property(t => t.Widget).HasColumnType("jsonb");
            e.Property(t => t.UpdatedAt).ValueGeneratedOnAdd();
            e.HasOne<Tenant>().WithMany().HasForeignKey(t => t.TenantId);
            e.HasQueryFilter(t => t.TenantId == CurrentTenantId);
        });
        builder.Entity<GeneratorConfig>(e =>
        {
            e.ToTable("generator_configs");
            e.Property(g => g.Settings).HasColumnType("jsonb");
            e.Property(g => g.CreatedAt).ValueGeneratedOnAdd();
            e.Property(g => g.UpdatedAt).ValueGeneratedOnAdd();
            TenantOwned(e, g => g.TenantId);
            e.HasOne<KnowledgeBase>().WithMany().HasForeignKey(g => g.KnowledgeBaseId);
            e.HasQueryFilter(g => g.TenantId == CurrentTenantId);
        });
        builder.Entity<QaPair>(e =>
        {
            e.ToTable("qa_pairs");
            e.Property(q => q.Source).HasConversion(s => s.ToString().ToLowerInvariant(), s => Enum.Parse<QaSource>(s, true));
            e.Property(q => q.CreatedAt).ValueGeneratedOnAdd();
            e.Property(q => q.UpdatedAt).ValueGeneratedOnAdd();
            TenantOwned(e, q => q.TenantId);
            e.HasOne<KnowledgeBase>().WithMany().HasForeignKey(q => q.KnowledgeBaseId);
            e.HasQueryFilter(q => q.TenantId == CurrentTenantId);
        });
        builder.Entity<Conversation>(e =>
        {
            e.ToTable("conversations");
            e.Property(c => c.Channel).HasConversion(c => c.ToString().ToLowerInvariant(), c => Enum.Parse<ChatChannel>(c, true));
            e.Property(c => c.CreatedAt).ValueGeneratedOnAdd();
            e.Property(c => c.LastMessageAt).ValueGeneratedOnAdd();
            TenantOwned(e, c => c.TenantId);
            e.HasOne<PortalUser>().WithMany().HasForeignKey(c => c.UserId);
            e.HasOne<ApiKey>().WithMany().HasForeignKey(c => c.ApiKeyId);
            e.HasQueryFilter(c => c.TenantId == CurrentTenantId);
        });
        builder.Entity<Message>(e =>
        {
            e.ToTable("messages");
            e.Property(m => m.Role).HasConversion(r => r.ToString().ToLowerInvariant(), r => Enum.Parse<MessageRole>(r, true));
            e.Property(m => m.Outcome).HasConversion(o => o!.Value.ToString().ToLowerInvariant(), o => Enum.Parse<AnswerOutcome>(o, true));
            e.Property(m => m.Citations).HasColumnType("jsonb");
            e.Property(m => m.Retrieval).HasColumnType("jsonb");
            e.Property(m => m.CreatedAt).ValueGeneratedOnAdd();
            TenantOwned(e, m => m.TenantId);
            e.HasOne<Conversation>().WithMany().HasForeignKey(m => m.ConversationId);
            e.HasQueryFilter(m => m.TenantId == CurrentTenantId);
        });
        builder.Entity<Feedback>(e =>
        {
            e.ToTable("feedback");
            e.Property(f => f.CreatedAt).ValueGeneratedOnAdd();
            TenantOwned(e, f => f.TenantId);
            e.HasOne<Message>().WithMany().HasForeignKey(f => f.MessageId);
            e.HasQueryFilter(f => f.TenantId == CurrentTenantId);
        });
        builder.Entity<ReviewItem>(e =>
        {
            e.ToTable("review_items");
            e.Property(r => r.Status).HasConversion(s => s.ToString().ToLowerInvariant(), s => Enum.Parse<ReviewStatus>(s, true));
            e.Property(r => r.CreatedAt).ValueGeneratedOnAdd();
            e.HasIndex(r => r.MessageId).IsUnique();
            TenantOwned(e, r => r.TenantId);
            e.HasOne<Message>().WithMany().HasForeignKey(r => r.MessageId);
            e.HasOne<KnowledgeBase>().WithMany().HasForeignKey(r => r.KnowledgeBaseId);
            e.HasOne<QaPair>().WithMany().HasForeignKey(r => r.QaPairId);
            e.HasQueryFilter(r => r.TenantId == CurrentTenantId);
        });
        builder.Entity<ChunkFlag>(e =>
        {
            e.ToTable("chunk_flags");
            e.HasKey(f => f.ChunkId);
            e.Property(f => f.ChunkId).ValueGeneratedNever();
            e.Property(f => f.CreatedAt).ValueGeneratedOnAdd();
            TenantOwned(e, f => f.TenantId);
            e.HasOne<Chunk>().WithMany().HasForeignKey(f => f.ChunkId);
            e.HasOne<ReviewItem>().WithMany().HasForeignKey(f => f.ReviewItemId);
            e.HasQueryFilter(f => f.TenantId == CurrentTenantId);
        });
        builder.Entity<PreferencePair>(e =>
        {
            e.ToTable("preference_pairs");
            e.Property(p => p.CreatedAt).ValueGeneratedOnAdd();
            TenantOwned(e, p => p.TenantId);
            e.HasOne<KnowledgeBase>().WithMany().HasForeignKey(p => p.KnowledgeBaseId);
            e.HasOne<ReviewItem>().WithMany().HasForeignKey(p => p.ReviewItemId);
            e.HasQueryFilter(p => p.TenantId == CurrentTenantId);
        });
        builder.Entity<WidgetUsage>(e =>
        {
            e.ToTable("widget_usage");
            e.HasKey(w => new { w.ApiKeyId, w.Day });
            TenantOwned(e, w => w.TenantId);
            e.HasOne<ApiKey>().WithMany().HasForeignKey(w => w.ApiKeyId);
            e.HasQueryFilter(w => w.TenantId == CurrentTenantId);
        });
    }

    private static void TenantOwned<T>(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<T> e,
        System.Linq.Expressions.Expression<Func<T, object?>> tenantId) where T : class =>
        e.HasOne<Tenant>().WithMany().HasForeignKey(tenantId);

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
