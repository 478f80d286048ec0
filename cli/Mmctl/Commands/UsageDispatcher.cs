using Cocona.Command;
using Cocona.Command.Dispatcher;
using Microsoft.Extensions.DependencyInjection;

namespace Mmctl.Commands;

/// <summary>
/// The bad command lines Cocona answers itself, given mmctl's exit codes (<see cref="UsageRulesAttribute"/> handles a
/// command's own arguments):
/// - a command that does not exist (`mmctl stauts`): one line naming it and the commands it is close to, and exit code
///   2 (invalid input), where Cocona printed four lines and exited 1;
/// - an unknown option before a command (`mmctl --bogus`), which Cocona refuses with 129: exit code 2;
/// - help (`mmctl stop --help`), which Cocona also ends with 129: exit code 0, as a script expects of help.
/// </summary>
public sealed class UsageDispatcher(ICoconaCommandDispatcher inner) : ICoconaCommandDispatcher
{
    /// <summary>What Cocona returns for help and for an option it does not know.</summary>
    private const int CoconaUsage = 129;

    public async ValueTask<int> DispatchAsync(CommandResolverResult commandResolverResult, CancellationToken cancellationToken)
    {
        var code = await inner.DispatchAsync(commandResolverResult, cancellationToken);
        if (code != CoconaUsage) return code;
        return Arguments().Any(a => a is "-h" or "--help") ? ExitCodes.Ok : ExitCodes.InvalidInput;
    }

    /// <summary>
    /// Resolves the command line as the host will, before it runs: Cocona's host catches an unknown command itself, prints
    /// its own lines and exits 1, with no hook in between. Null when the command exists.
    /// </summary>
    public static string? UnknownCommand(IServiceProvider services)
    {
        try
        {
            services.GetRequiredService<ICoconaCommandResolver>().ParseAndResolve(services.GetRequiredService<ICoconaCommandProvider>().GetCommandCollection(), Arguments());
            return null;
        }
        catch (CommandNotFoundException ex)
        {
            // The group the unknown name was given in: what precedes it on the command line ("daemon" in `mmctl daemon x`).
            var group = string.Join(" ", Arguments().TakeWhile(a => a != ex.Command).Where(a => !a.StartsWith('-')).Prepend("mmctl"));
            if (string.IsNullOrWhiteSpace(ex.Command)) return $"{group}: give a command; see {group} --help";
            var close = ex.ImplementedCommands.All.Where(c => !c.IsHidden).Select(c => (c.Name, Distance: Distance(c.Name, ex.Command)))
                .Where(c => c.Distance <= 2).OrderBy(c => c.Distance).Select(c => c.Name).ToList();
            var hint = close switch
            {
                [] => "",
                [var one] => $" (did you mean {one}?)",
                _ => $" (did you mean {string.Join(", ", close[..^1])} or {close[^1]}?)",
            };
            return $"{group}: '{ex.Command}' is not a command{hint}; see {group} --help";
        }
    }

    private static string[] Arguments() => CommandLine.Arguments;

    /// <summary>Levenshtein distance, case-blind: "stauts" is 2 from "status".</summary>
    private static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
