using Cocona.CommandLine;
using Cocona.ShellCompletion.Candidate;
using GrpcMM.Protos.V1;

namespace Mmctl.Completion;

/// <summary>The daemon's templates, each with its description (<c>mmctl start --template &lt;Tab&gt;</c>).</summary>
public sealed class TemplateNameCandidates : ICoconaCompletionOnTheFlyCandidatesProvider
{
    public IReadOnlyList<CompletionCandidateValue> GetCandidates(CoconaCompletionCandidatesMetadata metadata, ParsedCommandLine parsedCommandLine) =>
        DaemonCandidates.Ask(parsedCommandLine, (daemon, deadline) =>
            daemon.Instances.ListTemplates(new ListTemplatesRequest(), deadline: deadline).Templates.Select(t => new CompletionCandidateValue(t.Name, t.Description)));
}
