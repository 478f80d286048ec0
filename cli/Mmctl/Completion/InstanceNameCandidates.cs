using Cocona.CommandLine;
using Cocona.ShellCompletion.Candidate;
using GrpcMM.Protos.V1;

namespace Mmctl.Completion;

/// <summary>The daemon's instances, each with its state (<c>mmctl stop &lt;Tab&gt;</c>).</summary>
public sealed class InstanceNameCandidates : ICoconaCompletionOnTheFlyCandidatesProvider
{
    public IReadOnlyList<CompletionCandidateValue> GetCandidates(CoconaCompletionCandidatesMetadata metadata, ParsedCommandLine parsedCommandLine) =>
        DaemonCandidates.Ask(parsedCommandLine, (daemon, deadline) =>
            daemon.Instances.ListInstances(new ListInstancesRequest(), deadline: deadline).Instances.Select(i => new CompletionCandidateValue(i.Name, i.State.ToString())));
}

/// <summary>Completes an argument with the daemon's instance names.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class InstanceNamesAttribute() : CompletionCandidatesAttribute(typeof(InstanceNameCandidates));
