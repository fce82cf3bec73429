using Microsoft.Extensions.Logging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Portal.Data;
using Portal.Documents;
using Portal.Tenancy;
using Portal.KnowledgeBases;

namespace Portal.Documents.Ingestion;

/// <summary>
/// Runs the steps for one document version, outside any HTTP request: it sets the tenant itself and
/// every database touch is a tenant transaction. Each status change is guarded by the version, so a
/// run that was overtaken by a re-index, a delete or a second copy of itself writes nothing.
/// </summary>
internal sealed partial class IngestionOrchestrator(
    PortalDbContext db, NpgsqlDataSource dataSource, TenantContext tenant, IEnumerable<IIngestionStep> steps,
    IOptions<IngestionJobOptions> options, ILogger<IngestionOrchestrator> logger)
{
    /// <param name="claimant">The running job's lease, which the document names while this run has it.</param>
    public async Task RunAsync(IngestionWork work, string claimant, CancellationToken ct)
    {
        tenant.Set(work.TenantId, TenantRole.Editor, "system:ingestion");
        using var context = await BeginAsync(work, claimant, ct);
        if (context is null) return;
        try
        {
            var status = DocumentStatus.Parsing; // BeginAsync moved it there
            foreach (var step in steps)
            {
                if (step.Status != status && !await MoveToAsync(work, step.Status, ct)) return;
                status = step.Status;
                var started = context.Total.ElapsedMilliseconds;
                var result = await RunStepAsync(step, context, ct);
                context.Timings.TryAdd(step.Name, context.Total.ElapsedMilliseconds - started);
                if (result.Outcome == StepOutcome.Success) continue;
                if (result.Reason == StepResult.SupersededReason) return;
                if (result.Outcome == StepOutcome.Transient) await RetryOrFailAsync(work, result, ct);
                else await FailAsync(work, result, ct);
                return;
            }
            LogIndexed(work.DocumentId, work.TenantId, context.Drafts?.Count ?? 0, context.Total.ElapsedMilliseconds);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutdown: hand the document back so this node or another picks it up again.
            await ReleaseAsync(work);
            LogReleased(work.DocumentId);
        }
    }

    private async Task<StepResult> RunStepAsync(IIngestionStep step, IngestionContext context, CancellationToken ct)
    {
        try
        {
            return await step.ExecuteAsync(context, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Database hiccups and bugs alike: retried a bounded number of times, then Failed.
            LogStepError(e, step.Name, context.DocumentId);
            return StepResult.Transient("Error", $"The {step.Name} step failed unexpectedly ({e.GetType().Name}).");
        }
    }

    private async Task<IngestionContext?> BeginAsync(IngestionWork work, string claimant, CancellationToken ct)
    {
        // Only one run moves a document out of Queued; a duplicate dispatch finds it already taken and stops. A document
        // whose run died mid-step is put back to Queued by the claim that takes it over, so every start is from Queued.
        // One round trip: the move, what the run needs of the document, and its knowledge base's chunking.
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // Not durable: a database crash that loses this move leaves the document Queued and claimed, and it is claimed again.
        await using var batch = connection.TenantStatusBatch(work.TenantId, """
            UPDATE documents d SET status = 'Parsing', started_at = coalesce(d.started_at, now()), finished_at = NULL, claimed_by = $3
            WHERE d.id = $1 AND d.building_version = $2 AND d.status = 'Queued'
            RETURNING d.knowledge_base_id, d.name, d.format, d.blob_key,
                      (SELECT k.chunking::text FROM knowledge_bases k WHERE k.id = d.knowledge_base_id)
            """, work.DocumentId, work.Version, claimant);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var format = Enum.TryParse<DocumentFormat>(reader.GetString(2), ignoreCase: true, out var f) ? f : DocumentFormat.Unsupported;
        var chunking = reader.IsDBNull(4) ? null : ChunkingSettings.FromStored(System.Text.Json.JsonDocument.Parse(reader.GetString(4)));
        return new IngestionContext(work, reader.GetGuid(0), reader.GetString(1), format, reader.GetString(3)) { Chunking = chunking };
    }

    /// <summary>A status change of this run's document version while it is still in flight, in one round trip; false when it was overtaken.</summary>
    private async Task<bool> MoveToAsync(IngestionWork work, DocumentStatus status, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // Not durable: a lost status move is one step behind, and every step is safe to run again.
        await using var batch = connection.TenantStatusBatch(work.TenantId, """
            UPDATE documents SET status = $3
            WHERE id = $1 AND building_version = $2 AND status NOT IN ('Indexed', 'Failed', 'Queued')
            """, work.DocumentId, work.Version, status.ToString());
        await batch.ExecuteNonQueryAsync(ct);
        return batch.BatchCommands[1].RecordsAffected > 0;
    }

    private async Task RetryOrFailAsync(IngestionWork work, StepResult result, CancellationToken ct)
    {
        var o = options.Value;
        var backoffSeconds = o.RetryBackoff.TotalSeconds;
        var message = result.Message ?? "";
        await using var tx = await db.BeginTenantTransactionAsync(work.TenantId, ct);
        var attempts = await db.Database.SqlQuery<int>($"""
            UPDATE documents SET attempts = attempts + 1,
                status = CASE WHEN attempts + 1 >= {o.MaxAttempts} THEN 'Failed' ELSE 'Queued' END,
                error = CASE WHEN attempts + 1 >= {o.MaxAttempts} THEN {message} || ' (gave up after ' || (attempts + 1) || ' attempts)' ELSE {message} END,
                error_reason = {result.Reason},
                finished_at = CASE WHEN attempts + 1 >= {o.MaxAttempts} THEN now() END,
                next_attempt_at = now() + make_interval(secs => {backoffSeconds} * power(2, attempts)),
                dispatched_at = NULL, claimed_by = NULL
            WHERE id = {work.DocumentId} AND building_version = {work.Version} AND status IN ('Parsing', 'Chunking', 'Indexing')
            RETURNING attempts AS "Value"
            """).ToListAsync(ct);
        await tx.CommitAsync(ct);
        if (attempts.Count == 1) LogRetrying(work.DocumentId, result.Reason, attempts[0], o.MaxAttempts);
    }

    private async Task FailAsync(IngestionWork work, StepResult result, CancellationToken ct)
    {
        await UpdateAsync(work, ct, q => q.ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, DocumentStatus.Failed)
            .SetProperty(d => d.Error, result.Message)
            .SetProperty(d => d.ErrorReason, result.Reason)
            .SetProperty(d => d.FinishedAt, DateTimeOffset.UtcNow), ct));
        LogFailed(work.DocumentId, result.Reason, result.Message);
    }

    private async Task ReleaseAsync(IngestionWork work)
    {
        await using var tx = await db.BeginTenantTransactionAsync(work.TenantId, CancellationToken.None);
        await db.Database.ExecuteSqlAsync($"""
            UPDATE documents SET status = 'Queued', dispatched_at = NULL, claimed_by = NULL
            WHERE id = {work.DocumentId} AND building_version = {work.Version} AND status IN ('Parsing', 'Chunking', 'Indexing')
            """);
        await tx.CommitAsync();
    }

    /// <summary>A document this run claimed but never started goes back to the queue now, not when the lease lapses.</summary>
    public async Task HandBackUnstartedAsync(IngestionWork work)
    {
        await using var tx = await db.BeginTenantTransactionAsync(work.TenantId, CancellationToken.None);
        await db.Database.ExecuteSqlAsync($"""
            UPDATE documents SET dispatched_at = NULL, claimed_by = NULL
            WHERE id = {work.DocumentId} AND building_version = {work.Version} AND status = 'Queued'
            """);
        await tx.CommitAsync();
    }

    /// <summary>Runs an update on this run's document version while it is still in flight; false when it was overtaken.</summary>
    private async Task<bool> UpdateAsync(IngestionWork work, CancellationToken ct, Func<IQueryable<Document>, Task<int>> update)
    {
        await using var tx = await db.BeginTenantTransactionAsync(work.TenantId, ct);
        var changed = await update(db.Documents.Where(d => d.Id == work.DocumentId && d.BuildingVersion == work.Version
            && d.Status != DocumentStatus.Indexed && d.Status != DocumentStatus.Failed && d.Status != DocumentStatus.Queued));
        await tx.CommitAsync(ct);
        return changed > 0;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Indexed {DocumentId} for {TenantId}: {Chunks} chunks in {ElapsedMs} ms")]
    private partial void LogIndexed(Guid documentId, Guid tenantId, int chunks, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingestion of {DocumentId} failed: {Reason}: {Message}")]
    private partial void LogFailed(Guid documentId, string? reason, string? message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingestion of {DocumentId} failed transiently ({Reason}); attempt {Attempts} of {MaxAttempts}")]
    private partial void LogRetrying(Guid documentId, string? reason, int attempts, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingestion of {DocumentId} was handed back to the queue at shutdown")]
    private partial void LogReleased(Guid documentId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Step {Step} threw for {DocumentId}")]
    private partial void LogStepError(Exception exception, string step, Guid documentId);
}
