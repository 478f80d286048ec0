using Cocona;

namespace Mmctl.Commands;

/// <summary>Every top-level command class, and the `daemon` group.</summary>
[HasSubCommands(typeof(DaemonCommands), "daemon", Description = "The daemon itself: status, version, shutdown")]
[HasSubCommands(typeof(GridCommands), "grid", Description = "Grid instances: adjust the range")]
[UsageRules, IgnoreUnknownOptions] // also filters the groups' commands (daemon, grid)
public sealed class CommandTree
{
    public static readonly Type[] Types =
        [typeof(CommandTree), typeof(InstanceCommands), typeof(WatchCommand), typeof(HealthCommand), typeof(LogsCommand), typeof(HistoryCommand), typeof(JournalCommands), typeof(SpecCommands), typeof(StrategyCommands), typeof(BookCommand), typeof(AnalyzeCommand), typeof(AccountCommand), typeof(AlertsCommand)];
}
