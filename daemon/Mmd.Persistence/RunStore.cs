using Microsoft.EntityFrameworkCore;
using Mmd.Persistence.Entities;

namespace Mmd.Persistence;

/// <summary>Records the start and end of each run of an instance.</summary>
public sealed class RunStore(DbContextOptions<MmdDbContext> options)
{
    public async Task<long> StartAsync(string instance, int pid, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        await using var db = new MmdDbContext(options);
        var run = new RunEntity { Instance = instance, Pid = pid, StartedAtMs = startedAt.ToUnixTimeMilliseconds() };
        db.Runs.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        return run.Id;
    }

    public async Task EndAsync(long runId, DateTimeOffset endedAt, int exitCode, string reason, CancellationToken cancellationToken)
    {
        await using var db = new MmdDbContext(options);
        await db.Runs.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.EndedAtMs, endedAt.ToUnixTimeMilliseconds())
            .SetProperty(r => r.ExitCode, exitCode)
            .SetProperty(r => r.Reason, reason), cancellationToken);
    }
}
