namespace Mmctl.Commands;

/// <summary>
/// mmctl's arguments as Cocona parses them. The options every command takes (<see cref="CommonOptions"/>) are accepted
/// before the command too, as ctr, docker and kubectl take theirs: `mmctl --socket PATH status` is read as
/// `mmctl status --socket PATH` (Cocona reads a command's options only after the command).
/// </summary>
public static class CommandLine
{
    private static readonly HashSet<string> WithValue = ["--socket", "-s", "--output", "-o"];
    private static readonly HashSet<string> Flags = ["--quiet", "-q"];

    /// <summary>Set once at start (<see cref="Parse"/>); the process's own arguments until then.</summary>
    public static string[] Arguments { get; private set; } = Environment.GetCommandLineArgs()[1..];

    public static string[] Parse(string[] args) => Arguments = MoveLeadingOptions(args);

    /// <summary>Common options given before the command go after it (before a `--`, if there is one); the rest stays as typed.</summary>
    public static string[] MoveLeadingOptions(string[] args)
    {
        var leading = new List<string>();
        var i = 0;
        while (i < args.Length)
        {
            var arg = args[i];
            var name = arg.Split('=', 2)[0];
            if (Flags.Contains(name) || (name.Length < arg.Length && WithValue.Contains(name))) // -q, --quiet=true, --socket=PATH
                leading.Add(args[i++]);
            else if (WithValue.Contains(arg) && i + 1 < args.Length)
            {
                leading.Add(args[i++]);
                leading.Add(args[i++]);
            }
            else break;
        }
        if (leading.Count == 0) return args;
        var rest = args[i..];
        var separator = Array.IndexOf(rest, "--");
        return separator < 0 ? [.. rest, .. leading] : [.. rest[..separator], .. leading, .. rest[separator..]];
    }
}
