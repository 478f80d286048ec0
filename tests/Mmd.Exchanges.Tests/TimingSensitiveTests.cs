namespace Mmd.Exchanges.Tests;

/// <summary>
/// Tests that hang on a venue's timing: pings and pong deadlines of a few hundred milliseconds, dead-man countdowns of a few
/// seconds. They run alone, after the parallel ones: two cores busy with other classes' signing and matching made a
/// 200 ms pong miss and a held renewal outlast its countdown.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitiveTests
{
    public const string Name = "timing-sensitive streams";
}
