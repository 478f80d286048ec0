using System.Text.RegularExpressions;
using Cocona.Application;
using Cocona.Command;
using Cocona.ShellCompletion.Candidate;
using Cocona.ShellCompletion.Generators;

namespace Mmctl.Completion;

/// <summary>
/// <c>mmctl --completion zsh</c>: Cocona's script, with the apostrophes inside descriptions' words written as ’. Cocona
/// puts each description between single quotes without escaping one in it ("an instance's log"), which zsh cannot parse;
/// an apostrophe between two letters is never the script's own quoting. (A description must not end a word with one.)
/// </summary>
public sealed partial class ZshCompletionScript(ICoconaApplicationMetadataProvider metadata, ICoconaCompletionCandidates candidates) : ICoconaShellCompletionCodeGenerator
{
    private readonly ZshCoconaShellCompletionCodeGenerator _cocona = new(metadata, candidates);

    public IReadOnlyList<string> Targets => _cocona.Targets;

    public void Generate(TextWriter writer, CommandCollection commandCollection)
    {
        using var script = new StringWriter();
        _cocona.Generate(script, commandCollection);
        writer.Write(ApostropheInAWord().Replace(script.ToString(), "’"));
    }

    public void GenerateOnTheFlyCandidates(TextWriter writer, IReadOnlyList<CompletionCandidateValue> values) => _cocona.GenerateOnTheFlyCandidates(writer, values);

    [GeneratedRegex(@"(?<=\p{L})'(?=\p{L})")]
    private static partial Regex ApostropheInAWord();
}
