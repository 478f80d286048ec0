namespace Mmd.Persistence.Daemon;

/// <summary>An instance the daemon supervises: its spec, what the operator wants, and the worker it runs now.</summary>
public sealed class InstanceEntity
{
    public required string Name { get; set; }
    /// <summary>The spec in proto3 JSON (the same form as a spec file).</summary>
    public required string SpecJson { get; set; }
    /// <summary>
    /// The same spec as protobuf bytes, which the daemon reads at start: parsing the JSON needs protobuf's
    /// descriptors and JSON parser, about 100 ms of the start. Null in a row written without it (a trigger clears
    /// it when SpecJson changes without it), and then the JSON is read.
    /// </summary>
    public byte[]? SpecProto { get; set; }
    /// <summary>"running" or "stopped".</summary>
    public required string DesiredState { get; set; }
    public long CreatedAtMs { get; set; }
    public long UpdatedAtMs { get; set; }
    /// <summary>Restarts by the supervisor since the operator last started it.</summary>
    public int Restarts { get; set; }
    /// <summary>The live worker, kept so that a restarted daemon can re-adopt it: pid, its start, its run.</summary>
    public int? WorkerPid { get; set; }
    public long? WorkerStartedAtMs { get; set; }
    public long? WorkerRunId { get; set; }
    /// <summary>Highest watch sequence handed out (saved now and then; a restarted daemon continues above it).</summary>
    public long LastSequence { get; set; }
}
