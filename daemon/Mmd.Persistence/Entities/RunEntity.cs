namespace Mmd.Persistence.Entities;

/// <summary>One run of an instance's process: when, which pid, how it ended.</summary>
public sealed class RunEntity
{
    public long Id { get; set; }
    public required string Instance { get; set; }
    public int Pid { get; set; }
    public long StartedAtMs { get; set; }
    public long? EndedAtMs { get; set; }
    public int? ExitCode { get; set; }
    public string? Reason { get; set; }
}
