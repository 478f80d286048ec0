namespace Mmd.Exchanges.Paper;

/// <summary>
/// A tiny PRNG whose whole state is one ulong, so the synthetic market can be persisted and resumed
/// exactly (System.Random's state cannot be saved). Deterministic for a given seed.
/// </summary>
internal sealed class SplitMix64(ulong state)
{
    private double? _spareGaussian;

    public ulong State { get; private set; } = state;

    public ulong NextUInt64()
    {
        var z = State += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal (Box-Muller).</summary>
    public double NextGaussian()
    {
        if (_spareGaussian is { } spare)
        {
            _spareGaussian = null;
            return spare;
        }
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        var r = Math.Sqrt(-2.0 * Math.Log(u1));
        _spareGaussian = r * Math.Sin(2 * Math.PI * u2);
        return r * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Poisson-distributed count with mean <paramref name="mean"/> (Knuth; means here are small).</summary>
    public int NextPoisson(double mean)
    {
        var limit = Math.Exp(-mean);
        var k = 0;
        var p = NextDouble();
        while (p > limit) { k++; p *= NextDouble(); }
        return k;
    }
}
