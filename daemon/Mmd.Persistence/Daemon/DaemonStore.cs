using Microsoft.EntityFrameworkCore;

namespace Mmd.Persistence.Daemon;

/// <summary>Reads and writes the daemon's tables. Each call is one short transaction.</summary>
public sealed class DaemonStore(DbContextOptions<DaemonDbContext> options, TimeProvider time)
{
    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<IReadOnlyList<InstanceEntity>> LoadInstancesAsync(CancellationToken cancellationToken)
    {
        await using var db = new DaemonDbContext(options);
        return await db.Instances.AsNoTracking().OrderBy(i => i.Name).ToListAsync(cancellationToken);
    }

    public async Task AddInstanceAsync(InstanceEntity instance, CancellationToken cancellationToken)
    {
        await using var db = new DaemonDbContext(options);
        db.Instances.Add(instance);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task DeleteInstanceAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = new DaemonDbContext(options);
        await db.Instances.Where(i => i.Name == name).ExecuteDeleteAsync(cancellationToken);
    }

    public async Task SetDesiredStateAsync(string name, string desired, bool resetRestarts, CancellationToken cancellationToken)
    {
        await using var db = new DaemonDbContext(options);
        var now = Now;
        if (resetRestarts)
            await db.Instances.Where(i => i.Name == name).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.DesiredState, desired).SetProperty(i => i.UpdatedAtMs, now).SetProperty(i => i.Restarts, 0), cancellationToken);
        else
            await db.Instances.Where(i => i.Name == name).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.DesiredState, desired).SetProperty(i => i.UpdatedAtMs, now), cancellationToken);
    }

    /// <summary>Records a new worker: a run row, and the instance's live-worker columns for re-adoption.</summary>
    public async Task<long> WorkerStartedAsync(string name, int pid, DateTimeOffset startedAt, int restarts, CancellationToken cancellationToken)
    {
        await using var db = new DaemonDbContext(options);
        var run = new InstanceRunEntity { Instance = name, Pid = pid, StartedAtMs = startedAt.ToUnixTimeMilliseconds() };
        db.Runs.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        await db.Instances.Where(i => i.Name == name).ExecuteUpdateAsync(s => s
            .SetProperty(i => i.WorkerPid, pid)
            .SetProperty(i => i.WorkerStartedAtMs, startedAt.ToUnixTimeMilliseconds())
            .SetProperty(i => i.WorkerRunId, run.Id)
            .SetProperty(i => i.Restarts, restarts), cancellationToken);
        return run.Id;
    }

    public async Task WorkerEndedAsync(string name, long runId, int? exitCode, string reason, CancellationToken cancellationToken)
    {
        await using var db = new DaemonDbContext(options);
        var now = Now;
        await db.Runs.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.EndedAtMs, now).SetProperty(r => r.ExitCode, exitCode).SetProperty(r => r.Reason, reason), cancellationToken);
        await db.Instances.Where(i => i.Name == name && i.WorkerRunId == runId).ExecuteUpdateAsync(s => s
            .SetProperty(i => i.WorkerPid, (int?)null).SetProperty(i => i.WorkerStartedAtMs, (long?)null).SetProperty(i => i.WorkerRunId, (long?)null), cancellationToken);
    }

    public async Task AddEventAsync(string name, string kind, string message, CancellationToken cancellationToken)
    {
        await using var db = new DaemonDbContext(options);
        db.Events.Add(new InstanceEventEntity { Instance = name, TimeMs = Now, Kind = kind, Message = message });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The instance's most recent run that has ended (how its last worker exited), or null.</summary>
    public async Task<InstanceRunEntity?> LastEndedRunAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = new DaemonDbContext(options);
        return await db.Runs.AsNoTracking().Where(r => r.Instance == name && r.EndedAtMs != null).OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
    }

    public async Task SaveSequencesAsync(IReadOnlyDictionary<string, long> sequences, CancellationToken cancellationToken)
    {
        await using var db = new DaemonDbContext(options);
        foreach (var (name, sequence) in sequences)
            await db.Instances.Where(i => i.Name == name && i.LastSequence < sequence)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.LastSequence, sequence), cancellationToken);
    }
}
