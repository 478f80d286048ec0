namespace Mmd.Persistence.Daemon;

/// <summary>One worker process of an instance: when it ran and how it ended.</summary>
public sealed class InstanceRunEntity
{
    public long Id { get; set; }
    public required string Instance { get; set; }
    public int Pid { get; set; }
    public long StartedAtMs { get; set; }
    public long? EndedAtMs { get; set; }
    public int? ExitCode { get; set; }
    public string? Reason { get; set; }
    /// <summary>
    /// Whether a run that ended without confirming its book had sent any order (its journal says): false when it had
    /// not, so its end left the book as the run before it did. Null when not asked (a confirming end) or not known.
    /// </summary>
    public bool? SentOrders { get; set; }
}
