using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Jobs;

/// <summary>A feature's recurring jobs, stated to Hangfire at start-up.</summary>
internal interface IRecurringJobSchedule
{
    void Apply(IRecurringJobManager manager);
}

/// <summary>
/// States every feature's recurring jobs when a node that runs jobs starts (<see cref="JobServers"/>). Hangfire keeps one
/// definition per id in the database and runs each once per period across all nodes (on a node that serves its queue),
/// so every node saying the same is safe.
/// </summary>
internal static class RecurringJobSchedules
{
    public static void Apply(IServiceProvider services)
    {
        var manager = services.GetRequiredService<IRecurringJobManager>();
        foreach (var schedule in services.GetServices<IRecurringJobSchedule>()) schedule.Apply(manager);
    }
}

/// <summary>Intervals as Hangfire cron expressions.</summary>
internal static class Intervals
{
    /// <summary>A cron expression for every <paramref name="interval"/>; whole minutes dividing an hour, whole hours dividing a day, or a day.</summary>
    public static string ToCron(TimeSpan interval, string setting)
    {
        var minutes = interval.TotalMinutes;
        if (minutes >= 1 && minutes < 60 && minutes % 1 == 0 && 60 % (int)minutes == 0) return Cron.MinuteInterval((int)minutes);
        var hours = interval.TotalHours;
        if (hours >= 1 && hours < 24 && hours % 1 == 0 && 24 % (int)hours == 0) return Cron.HourInterval((int)hours);
        if (interval == TimeSpan.FromDays(1)) return Cron.Daily();
        throw new InvalidOperationException(
            $"{setting} must be whole minutes that divide an hour, whole hours that divide a day, or one day (it is {interval}).");
    }
}
