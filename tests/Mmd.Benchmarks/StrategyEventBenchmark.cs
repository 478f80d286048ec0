using BenchmarkDotNet.Attributes;

namespace Mmd.Benchmarks;

/// <summary>Event -> intents for every strategy (see <see cref="StrategyEventDriver"/>); `strategies` prints per-event percentiles.</summary>
[MemoryDiagnoser]
public class StrategyEventBenchmark
{
    private StrategyEventDriver _driver = null!;

    [ParamsSource(nameof(Kinds))]
    public string Strategy { get; set; } = "";

    public static IEnumerable<string> Kinds => StrategyEventDriver.Kinds;

    [GlobalSetup]
    public void Setup() => _driver = new StrategyEventDriver(Strategy);

    [Benchmark]
    public int Event() => _driver.Step();
}
