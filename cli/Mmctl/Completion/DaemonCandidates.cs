using Cocona.CommandLine;
using Cocona.ShellCompletion.Candidate;
using Grpc.Core;
using Mmctl.Connection;

namespace Mmctl.Completion;

/// <summary>
/// Completion candidates the daemon knows (its instances, its templates), for the shell to offer on Tab. Cocona asks its
/// providers synchronously, in a completion process that does nothing else, so the call blocks that process only, bounded
/// to a second; no daemon, or one that does not answer, completes nothing rather than print an error into the prompt.
/// </summary>
internal static class DaemonCandidates
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    public static IReadOnlyList<CompletionCandidateValue> Ask(ParsedCommandLine line, Func<DaemonConnection, DateTime, IEnumerable<CompletionCandidateValue>> ask)
    {
        try
        {
            // The socket the command being completed names, as the command itself would resolve it.
            var socket = line.Options.Where(o => o.Option.Name == "socket").Select(o => o.Value).LastOrDefault();
            using var connection = DaemonConnection.Open(socket);
            return [.. ask(connection, TimeProvider.System.GetUtcNow().UtcDateTime + Bound)];
        }
        catch (Exception ex) when (ex is NoDaemonException or RpcException)
        {
            return [];
        }
    }
}
