using System.Diagnostics;

namespace Mmd.Benchmarks;

/// <summary>Per-event percentiles of <see cref="StrategyEventDriver"/> for every strategy (`strategies [events]`).</summary>
public static class StrategyLatency
{
    public static void Run(int events)
    {
        foreach (var kind in StrategyEventDriver.Kinds)
        {
            var driver = new StrategyEventDriver(kind);
            for (var i = 0; i < 20_000; i++) driver.Step(); // warm-up: tiered JIT
            var samples = new double[events];
            long intents = 0;
            for (var i = 0; i < events; i++)
            {
                var started = Stopwatch.GetTimestamp();
                intents += driver.Step();
                samples[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            }
            Array.Sort(samples);
            double P(double q) => samples[(int)Math.Round(q * (samples.Length - 1))];
            Console.WriteLine(FormattableString.Invariant(
                $"{kind,-24} n={events} intents/event={(double)intents / events:0.0} p50={P(0.50):0.0} us p90={P(0.90):0.0} us p99={P(0.99):0.0} us max={samples[^1]:0.0} us"));
        }
    }
}
