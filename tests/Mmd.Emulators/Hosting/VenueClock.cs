namespace Mmd.Emulators.Hosting;

/// <summary>
/// A venue's own clock: the machine's, run ahead (or behind) by a skew a test sets, directly or through
/// <c>POST /_emulator/clock-skew?ms=</c> when the emulator runs as a process.
/// </summary>
public sealed class VenueClock(TimeProvider time)
{
    private long _skewTicks;

    /// <summary>Called after the skew changes: a venue that acts at times of its own clock looks again.</summary>
    public Action? SkewChanged { get; set; }

    /// <summary>How far the venue's clock is ahead of the machine's (negative: behind).</summary>
    public TimeSpan Skew
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _skewTicks));
        set
        {
            Interlocked.Exchange(ref _skewTicks, value.Ticks);
            SkewChanged?.Invoke();
        }
    }

    public DateTimeOffset Now => time.GetUtcNow() + Skew;

    public void Map(WebApplication app) => app.MapPost("/_emulator/clock-skew", (long ms) =>
    {
        Skew = TimeSpan.FromMilliseconds(ms);
        return Results.Ok();
    });
}
