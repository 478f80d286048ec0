using Cocona;

namespace Mmctl.Commands;

/// <summary>Options every command takes.</summary>
public sealed class CommonOptions : ICommandParameterSet
{
    [Option("socket", ['s'], Description = "Daemon socket (default: MMCTL_SOCKET, then ./daemon/state/mmd.sock)")]
    [HasDefaultValue]
    public string? Socket { get; set; }

    [Option("output", ['o'], Description = "table (default) or json (one JSON object per line)")]
    [HasDefaultValue]
    public string Output { get; set; } = "table";

    [Option("quiet", ['q'], Description = "Names only")]
    [HasDefaultValue]
    public bool Quiet { get; set; }

    public bool Json => Output.Equals("json", StringComparison.OrdinalIgnoreCase);
}
