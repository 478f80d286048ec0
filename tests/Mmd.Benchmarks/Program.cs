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
var suites = new Dictionary<string, Type>
{
    ["book"] = typeof(BookApplyBenchmark),
    ["matching"] = typeof(MatchingEngineBenchmark),
    ["pipeline"] = typeof(StrategyPipelineBenchmark),
    ["journal"] = typeof(JournalBenchmark),
};
if (args.Length > 0 && suites.TryGetValue(args[0], out var suite)) BenchmarkRunner.Run(suite, args: args[1..]);
else BenchmarkSwitcher.FromAssembly(typeof(BookApplyBenchmark).Assembly).Run(args);
