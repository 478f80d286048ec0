using GrpcMM.Protos.V1;
using GrpcMM.Protos.Worker.V1;

namespace Mmd.Supervision;

/// <summary>What an <see cref="InstanceActor"/> is told; it handles one at a time, so its state needs no locks.</summary>
internal abstract record ActorMessage;

internal sealed record StartRequested(TaskCompletionSource<Instance> Done) : ActorMessage;

/// <param name="Sweep">
/// When no worker confirms the book flat (it was killed at the stop timeout, it failed, or none runs after one was killed),
/// a sweep worker reconciles and cancels what is left before the stop answers. Not for a restart: its start reconciles.
/// </param>
internal sealed record StopRequested(TimeSpan? Timeout, bool Flatten, string Reason, bool Sweep, TaskCompletionSource<StopOutcome> Done) : ActorMessage;

/// <summary>
/// An operator's strategy command. A new spec, when set, replaces the instance's once the worker applied it (at once when
/// no worker runs); <paramref name="NeedsWorker"/> says the command means nothing without a running worker (pause,
/// resume). Done gets the outcome for the operator.
/// </summary>
internal sealed record CommandRequested(StrategyCommand Command, InstanceSpec? NewSpec, string? NewSpecJson, bool NeedsWorker,
    TaskCompletionSource<string> Done) : ActorMessage;

internal sealed record CommandResultReported(CommandResult Result) : ActorMessage;

/// <summary>
/// An operator's look at what the worker holds (its order books, its venue account): a read, nothing changes. What names
/// it for the refusal when no worker runs; Done gets the worker's answer.
/// </summary>
internal sealed record WorkerReadAsked(StrategyCommand Read, string What, TaskCompletionSource<CommandResult> Done) : ActorMessage;

/// <summary>An operator's update of the spec (UpdateInstance): the next worker runs it, under the settings it resolves to.</summary>
internal sealed record SpecReplaced(InstanceSpec Spec, string Json, SupervisionSettings Settings, TaskCompletionSource Done) : ActorMessage;

/// <summary>
/// A delete, once its stop has ended: accepted (true) only while no worker runs or is wanted, for a start may have come
/// since. Once accepted the actor refuses every request as not found, so no start slips in before it is removed.
/// </summary>
internal sealed record RetireRequested(TaskCompletionSource<bool> Done) : ActorMessage;

internal sealed record WorkerAttached(WorkerConnection Connection, TaskCompletionSource<bool> Accepted) : ActorMessage;

internal sealed record WorkerDetached(WorkerConnection Connection) : ActorMessage;

internal sealed record HealthReported(WorkerConnection Connection, Health Health) : ActorMessage;

internal sealed record StatsReported(InstanceStats Stats) : ActorMessage;

/// <summary>Another instance's venue asked it to wait: this instance's worker is told to wait as long there.</summary>
internal sealed record HoldRequests(RequestsPaused Pause) : ActorMessage;

internal sealed record ExitingReported(Exiting Exiting) : ActorMessage;

/// <summary>The worker process ended; <paramref name="LinkRead"/> once its link has been read to the end (or given up on).</summary>
internal sealed record ChildExited(WorkerHandle Worker, int ExitCode, bool LinkRead = false) : ActorMessage;

internal sealed record Tick : ActorMessage
{
    public static Tick Instance { get; } = new();
}

/// <summary>How a stop ended: the instance afterwards and the own orders its worker could not confirm cancelled.</summary>
/// <param name="OrdersLeft">Own orders the worker said it could not cancel.</param>
/// <param name="BookUnconfirmed">
/// No worker said that none is left: it was killed (at the stop timeout, say), its last run failed, or it left
/// <paramref name="OrdersLeft"/>; the venue may still hold orders of the instance.
/// </param>
/// <param name="StartedAgain">A start came while it stopped: the worker ended, and a new one starts (and reconciles).</param>
public sealed record StopOutcome(Instance Instance, uint OrdersLeft, bool BookUnconfirmed, bool StartedAgain = false);
