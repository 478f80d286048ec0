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
}
