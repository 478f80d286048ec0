using Microsoft.Extensions.Time.Testing;
using Mmd.Hosting;
using Mmd.TestKit;

namespace Mmd.Daemon.Tests;

public sealed class LogFoldersTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Prune_KeepsTheRetentionsDays_CountingToday_AndLeavesOtherFolders()
    {
        foreach (var name in new[] { "2026-11-27", "2026-11-28", "2026-11-29", "2026-11-30", "not-a-day" }) Directory.CreateDirectory(_dir.Combine(name));
        var removed = LogFolders.Prune(_dir.Path, retentionDays: 3, new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero).ToLocalTime());
        Assert.Equal(1, removed);
        Assert.Equal(["2026-11-28", "2026-11-29", "2026-11-30", "not-a-day"], Directory.EnumerateDirectories(_dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task ARunningProcess_PrunesEveryHour_NotOnlyAtItsStart()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
        time.SetLocalTimeZone(TimeZoneInfo.Utc);
        foreach (var name in new[] { "2026-11-29", "2026-11-30" }) Directory.CreateDirectory(_dir.Combine(name));
        using var stop = new CancellationTokenSource();
        var pruning = LogFolders.PruneHourlyAsync(_dir.Path, retentionDays: 2, time, stop.Token);

        time.Advance(TimeSpan.FromHours(1)); // 13:00: both days are within the retention
        Assert.Equal(2, Directory.EnumerateDirectories(_dir.Path).Count());
        time.Advance(TimeSpan.FromHours(12)); // the next day, 01:00: two days kept are the 30th and the 1st
        await Until.TrueAsync(() => !Directory.Exists(_dir.Combine("2026-11-29")), "the 29th pruned");
        Assert.True(Directory.Exists(_dir.Combine("2026-11-30")));

        await stop.CancelAsync();
        await pruning.DefaultTimeout(); // ends quietly when its process stops
    }
}
