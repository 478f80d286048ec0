using Cocona.Filters;

namespace Mmctl.Commands;

/// <summary>
/// Refuses arguments a command does not take. Cocona 2.2 drops them silently (mayuki/Cocona#156), so
/// `mmctl stop a b` once stopped a, left b trading, and exited 0 (stop now takes several names; pause still takes one).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class NoExtraArgumentsAttribute : CommandFilterAttribute
{
    public override ValueTask<int> OnCommandExecutionAsync(CoconaCommandExecutingContext ctx, CommandExecutionDelegate next)
    {
        var takes = ctx.Command.Arguments;
        var given = ctx.ParsedCommandLine.Arguments;
        if (given.Count <= takes.Count || takes.Any(a => a.IsEnumerableLike)) return next(ctx);
        var extra = string.Join(" ", given.Skip(takes.Count).Select(a => $"'{a.Value}'"));
        var noun = given.Count - takes.Count == 1 ? "argument" : "arguments";
        var usage = takes.Count == 0 ? "takes no argument" : $"takes {takes.Count} ({string.Join(" ", takes.Select(a => a.Name.ToUpperInvariant()))})";
        var command = FullName(ctx.Command);
        Console.Error.WriteLine($"mmctl {command}: unexpected {noun} {extra}: it {usage}; see mmctl {command} --help");
        return ValueTask.FromResult(ExitCodes.InvalidInput);
    }

    /// <summary>"grid adjust", not "adjust": a group's commands are named with their group.</summary>
    private static string FullName(Cocona.Command.CommandDescriptor command)
    {
        var group = typeof(CommandTree).GetCustomAttributes(typeof(Cocona.HasSubCommandsAttribute), false).Cast<Cocona.HasSubCommandsAttribute>()
            .FirstOrDefault(g => g.Type == command.Method.DeclaringType);
        return group?.CommandName is { } name ? $"{name} {command.Name}" : command.Name;
    }
}
