namespace Mmd.Persistence.Daemon;

/// <summary>Something that happened to an instance: a state change, a restart, a failed health probe.</summary>
public sealed class InstanceEventEntity
{
    public long Id { get; set; }
    public required string Instance { get; set; }
    public long TimeMs { get; set; }
    /// <summary>"state", "restart", "health", "exit", "operator".</summary>
    public required string Kind { get; set; }
    public required string Message { get; set; }
}
