using Microsoft.EntityFrameworkCore;
using Triton.Core.Domain;

namespace Triton.Core.Data;

public sealed class TritonDbContext(DbContextOptions<TritonDbContext> options) : DbContext(options)
{
    public DbSet<Group> Groups => Set<Group>();
    public DbSet<Template> Templates => Set<Template>();
    public DbSet<MailingList> Lists => Set<MailingList>();
    public DbSet<ListColumn> ListColumns => Set<ListColumn>();
    public DbSet<Recipient> Recipients => Set<Recipient>();
    public DbSet<Transport> Transports => Set<Transport>();
    public DbSet<Campaign> Campaigns => Set<Campaign>();
    public DbSet<Delivery> Deliveries => Set<Delivery>();
    public DbSet<CampaignRun> CampaignRuns => Set<CampaignRun>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<TrackingCategory> TrackingCategories => Set<TrackingCategory>();
    public DbSet<SendingDay> SendingDays => Set<SendingDay>();
    public DbSet<EventContract> EventContracts => Set<EventContract>();
    public DbSet<Trigger> Triggers => Set<Trigger>();
    public DbSet<TransactionalMessage> Messages => Set<TransactionalMessage>();
    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<ListImport> ListImports => Set<ListImport>();
    public DbSet<TrackingDay> TrackingDays => Set<TrackingDay>();
    public DbSet<TrackedSourceDay> TrackedSourceDays => Set<TrackedSourceDay>();
    public DbSet<TrackedLink> TrackedLinks => Set<TrackedLink>();
    public DbSet<TrackingFirst> TrackingFirsts => Set<TrackingFirst>();
    public DbSet<Suppression> Suppressions => Set<Suppression>();
    public DbSet<BounceMailboxState> BounceMailboxStates => Set<BounceMailboxState>();
    public DbSet<BounceMailboxSettings> BounceMailboxSettings => Set<BounceMailboxSettings>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(TritonDbContext).Assembly);
        SnakeCaseNaming.Apply(modelBuilder);
    }
}
