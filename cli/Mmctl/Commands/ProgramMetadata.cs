using System.Reflection;
using Cocona.Application;

namespace Mmctl.Commands;

/// <summary>
/// Names the program "mmctl" in help and usage lines however it was launched. Cocona 2.2 takes the process name, which
/// is "dotnet" for `dotnet mmctl.dll` (the README's fresh-machine command): its help read "Usage: dotnet status".
/// </summary>
public sealed class ProgramMetadata : ICoconaApplicationMetadataProvider
{
    public const string ExecutableName = "mmctl";

    private static readonly Assembly Entry = typeof(ProgramMetadata).Assembly;

    public string GetExecutableName() => ExecutableName;

    // The line under "Usage:" in mmctl --help (Cocona's default is the assembly title, "mmctl" again).
    public string GetDescription() => "Control mmd, the GrpcMM daemon, and its trading instances over its Unix socket";

    public string GetProductName() => Entry.GetCustomAttribute<AssemblyProductAttribute>()?.Product ?? ExecutableName;

    public string GetVersion() =>
        Entry.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? Entry.GetName().Version?.ToString() ?? "0.0.0";
}
