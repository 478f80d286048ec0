using BenchmarkDotNet.Running;
using Mmd.Benchmarks;

// `latency` is a harness of its own (per-event percentiles); everything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "latency")
{
    // latency [events] [pace in microseconds]
    var invariant = System.Globalization.CultureInfo.InvariantCulture;
    await EventToIntentLatency.RunAsync(
        args.Length > 1 ? int.Parse(args[1], invariant) : 20_000,
        TimeSpan.FromMicroseconds(args.Length > 2 ? int.Parse(args[2], invariant) : 0));
    return;
}
if (args.Length > 0 && args[0] == "strategies")
{
    // strategies [events]: event -> intents percentiles for every strategy
    StrategyLatency.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000);
    return;
}
if (args.Length > 0 && args[0] == "backpack")
{
    // backpack [book moves]: wire latency, rate limiter and reconnect figures against the loopback emulator
    await BackpackBench.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
    return;
}
if (args.Length > 0 && args[0] == "aster")
{
    // aster [book moves]: book event -> signed order request on the wire, V3 and V1, against the loopback emulator
    await AsterBench.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
    return;
}
if (args.Length > 0 && args[0] == "paradex")
{
    // paradex [book moves]: book event -> STARK-signed order on the wire, against the loopback emulator
    await ParadexBench.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
    return;
}
if (args.Length > 0 && args[0] == "lighter")
{
    // lighter [book moves]: book event -> Schnorr-signed CreateOrder transaction on the wire, against the loopback emulator
    await LighterBench.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
    return;
}
if (args.Length > 0 && args[0] == "journal-replay")
{
    // journal-replay [fills]: a worker's start on a journal that long trading has filled
    await JournalReplayBench.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000);
    return;
}
if (args.Length > 0 && args[0] == "control-plane")
{
    // control-plane [--mmctl PATH-TO-NATIVE-MMCTL] [--soak-minutes 10] [--watchers 1000 | --watchers 100,300,1000] [--fan-out-seconds 20] [--full-messages] [--streams-per-connection 100] [--fan-out-only | --start-only]
    if (await ClientArrayPool.RerunWithRoomAsync(args) is { } exitCode) Environment.Exit(exitCode);
    string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    var invariant = System.Globalization.CultureInfo.InvariantCulture;
    if (args.Contains("--start-only"))
    {
        await ControlPlaneBench.StartToServingAsync(int.Parse(Option("--runs") ?? "8", invariant));
        return;
    }
    await ControlPlaneBench.RunAsync(
        Option("--mmctl"),
        TimeSpan.FromMinutes(double.Parse(Option("--soak-minutes") ?? "10", invariant)),
        (Option("--watchers") ?? "1000").Split(',').Select(n => int.Parse(n, invariant)).ToArray(),
        TimeSpan.FromSeconds(double.Parse(Option("--fan-out-seconds") ?? "20", invariant)),
        args.Contains("--fan-out-only"),
        new ControlPlaneBench.FanOutClient(args.Contains("--full-messages"), int.Parse(Option("--streams-per-connection") ?? "100", invariant)));
    return;
}
var suites = new Dictionary<string, Type>
{
    ["book"] = typeof(BookApplyBenchmark),
    ["matching"] = typeof(MatchingEngineBenchmark),
    ["strategy-events"] = typeof(StrategyEventBenchmark),
    ["journal"] = typeof(JournalBenchmark),
    ["paper-persistence"] = typeof(PaperPersistenceBenchmark),
    ["backpack-signing"] = typeof(BackpackSigningBenchmark),
    ["aster-signing"] = typeof(AsterSigningBenchmark),
    ["paradex-signing"] = typeof(ParadexSigningBenchmark),
    ["lighter-signing"] = typeof(LighterSigningBenchmark),
};
// Artifacts go beside the benchmarks, whatever folder the command runs from (the repository's top level is fixed).
var config = BenchmarkDotNet.Configs.ManualConfig.Create(BenchmarkDotNet.Configs.DefaultConfig.Instance)
    .WithArtifactsPath(Mmd.TestKit.Repository.Combine("tests", "Mmd.Benchmarks", "BenchmarkDotNet.Artifacts"));
if (args.Length > 0 && suites.TryGetValue(args[0], out var suite)) BenchmarkRunner.Run(suite, config, args[1..]);
else BenchmarkSwitcher.FromAssembly(typeof(BookApplyBenchmark).Assembly).Run(args, config);
