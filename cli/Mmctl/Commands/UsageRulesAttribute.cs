using Cocona;
using Cocona.Command;
using Cocona.Command.Binder;
using Cocona.Filters;

namespace Mmctl.Commands;

/// <summary>
/// A bad command line gets one line naming the command and the fault, and exit code 2 (invalid input), as the README's
/// table says, instead of Cocona's own 1 or 129 and its type names ("requires Nullable`1 value"). It also refuses
/// arguments a command does not take: Cocona 2.2 drops them silently (mayuki/Cocona#156), so `mmctl stop a b` once
/// stopped a, left b trading, and exited 0. Cocona rejects unknown options before any filter runs, so the classes
/// carrying this filter also carry [IgnoreUnknownOptions] and the filter rejects them itself.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class UsageRulesAttribute : CommandFilterAttribute
{
    public override async ValueTask<int> OnCommandExecutionAsync(CoconaCommandExecutingContext ctx, CommandExecutionDelegate next)
    {
        var command = FullName(ctx.Command);
        if (ctx.ParsedCommandLine.UnknownOptions is [var unknown, ..])
            return Refuse(command, $"unknown option {AsTyped(unknown)}");
        // Cocona reads `--flatten=yes` as --flatten=false, silently.
        foreach (var option in ctx.Command.Options.Where(o => o.OptionType == typeof(bool)))
            foreach (var arg in CommandLine.Arguments)
                if (arg.Split('=', 2) is [var name, var value] && (name == $"--{option.Name}" || option.ShortName.Any(c => name == $"-{c}")) && !bool.TryParse(value, out _))
                    return Refuse(command, $"{name}: '{value}' is not true or false");
        var takes = ctx.Command.Arguments;
        var given = ctx.ParsedCommandLine.Arguments;
        if (given.Count > takes.Count && !takes.Any(a => a.IsEnumerableLike))
        {
            var extra = string.Join(" ", given.Skip(takes.Count).Select(a => $"'{a.Value}'"));
            var noun = given.Count - takes.Count == 1 ? "argument" : "arguments";
            var usage = takes.Count == 0 ? "takes no argument" : $"takes {takes.Count} ({string.Join(" ", takes.Select(a => a.Name.ToUpperInvariant()))})";
            return Refuse(command, $"unexpected {noun} {extra}: it {usage}");
        }
        try
        {
            return await next(ctx);
        }
        catch (ParameterBinderException ex)
        {
            return Refuse(command, Describe(ex, ctx));
        }
    }

    private static string Describe(ParameterBinderException ex, CoconaCommandExecutingContext ctx) => ex.Result switch
    {
        ParameterBinderResult.InsufficientArgument when ex.Argument is { IsEnumerableLike: true } a => $"give at least one {a.Name.TrimEnd('s').ToUpperInvariant()}",
        ParameterBinderResult.InsufficientArgument when ex.Argument is { } a => $"{a.Name.ToUpperInvariant()} is required",
        ParameterBinderResult.InsufficientOptionValue when ex.Option is { } o => $"{Dashed(o.Name)} needs a value",
        ParameterBinderResult.InsufficientOption when ex.Option is { } o => $"{Dashed(o.Name)} is required",
        _ when ex.Option is { } o => $"{Dashed(o.Name)}: '{ctx.ParsedCommandLine.Options.Where(g => g.Option == o).Select(g => g.Value).LastOrDefault()}' is not {Kind(o.OptionType)}",
        _ when ex.Argument is { } a => $"{a.Name.ToUpperInvariant()}: not {Kind(a.ArgumentType)}",
        _ => ex.Message,
    };

    private static string Kind(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(uint) || t == typeof(ulong) => "a whole number of 0 or more",
        var t when t == typeof(int) || t == typeof(long) => "a whole number",
        var t when t == typeof(bool) => "true or false",
        var t when t == typeof(double) || t == typeof(decimal) => "a number",
        var t => $"a valid {t.Name}",
    };

    /// <summary>The option as typed (Cocona keeps only its name): "--x", not "-x".</summary>
    private static string AsTyped(string unknown) =>
        CommandLine.Arguments.FirstOrDefault(a => a.StartsWith('-') && a.TrimStart('-').Split('=')[0] == unknown)?.Split('=')[0] ?? Dashed(unknown);

    private static string Dashed(string option) => option.Length == 1 ? $"-{option}" : $"--{option}";

    private static int Refuse(string command, string fault)
    {
        Console.Error.WriteLine($"mmctl {command}: {fault}; see mmctl {command} --help");
        return ExitCodes.InvalidInput;
    }

    /// <summary>"grid adjust", not "adjust": a group's commands are named with their group.</summary>
    private static string FullName(CommandDescriptor command)
    {
        var group = typeof(CommandTree).GetCustomAttributes(typeof(HasSubCommandsAttribute), false).Cast<HasSubCommandsAttribute>()
            .FirstOrDefault(g => g.Type == command.Method.DeclaringType);
        return group?.CommandName is { } name ? $"{name} {command.Name}" : command.Name;
    }
}
