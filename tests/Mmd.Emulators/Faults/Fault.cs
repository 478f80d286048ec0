namespace Mmd.Emulators.Faults;

/// <summary>What an emulator does to a request instead of (or besides) answering it.</summary>
public enum FaultKind
{
    /// <summary>429 with Retry-After and the venue's rate-limit error; the request is not executed.</summary>
    RateLimit,
    /// <summary>A 5xx before executing: the client cannot tell whether the venue acted.</summary>
    ServerError,
    /// <summary>The answer comes after <see cref="Fault.Delay"/>; the request is executed.</summary>
    Slow,
    /// <summary>The request is executed, then the connection is cut before any answer: an accepted order whose response was lost.</summary>
    LoseResponse,
    /// <summary>The request is executed, then answered with <see cref="Fault.Status"/> (Aster's 503 "unknown execution status").</summary>
    ServerErrorAfterExecuting,
}

/// <summary>
/// One scripted fault: applies to the next <see cref="Count"/> requests whose method and path match
/// (null matches any). Faults are consumed in the order they were added.
/// </summary>
public sealed record Fault(FaultKind Kind, string? Method = null, string? Path = null, int Count = 1)
{
    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);
    public int Status { get; init; } = 503;
}
