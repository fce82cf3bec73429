using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portal.IntegrationTests.Atomicity;

/// <summary>
/// Fails a request right after its n-th database statement has run, as a crash or a lost connection would at that
/// point. Only statements of the request that asked for it (header <c>X-Test-Fault-After: n</c>) count, so the app's
/// background jobs are never hit. n = 0 counts the statements without failing.
/// </summary>
internal sealed class FaultInjector : DbCommandInterceptor
{
    public const string Header = "X-Test-Fault-After";
    private static readonly AsyncLocal<Plan?> Current = new();

    public int LastStatementCount { get; private set; }
    public bool LastFired { get; private set; }

    public void Begin(int failAfter) => Current.Value = new Plan(failAfter);

    public void End()
    {
        if (Current.Value is { } plan) (LastStatementCount, LastFired) = (plan.Executed, plan.Fired);
        Current.Value = null;
    }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result) =>
        After(result);

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
        CancellationToken ct = default) => ValueTask.FromResult(After(result));

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result) => After(result);

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result,
        CancellationToken ct = default) => ValueTask.FromResult(After(result));

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result) => After(result);

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result,
        CancellationToken ct = default) => ValueTask.FromResult(After(result));

    private static T After<T>(T result)
    {
        if (Current.Value is not { } plan) return result;
        plan.Executed++;
        if (plan.FailAfter > 0 && plan.Executed == plan.FailAfter && !plan.Fired)
        {
            plan.Fired = true;
            if (result is IDisposable disposable) disposable.Dispose();
            throw new InjectedFaultException(plan.Executed);
        }
        return result;
    }

    private sealed class Plan(int failAfter)
    {
        public int FailAfter { get; } = failAfter;
        public int Executed { get; set; }
        public bool Fired { get; set; }
    }
}

internal sealed class InjectedFaultException(int statement) : Exception($"Fault injected after statement {statement}.");
