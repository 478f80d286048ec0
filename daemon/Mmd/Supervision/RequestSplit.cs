namespace Mmd.Supervision;

/// <summary>
/// Splits one venue's request limit among the instances trading on it by what each asks. An even split gave a resting
/// grid a quarter of Backpack's limit it did not use while three market makers beside it queued their quotes for
/// seconds. Max-min fair: a claim below an equal share of what is left is met whole, the others share the rest
/// equally; what no one claims raises the smallest parts, toward an even split.
/// </summary>
public static class RequestSplit
{
    /// <summary>
    /// A quiet instance keeps this much of an even split however little it asked: its next requests (a grid's order
    /// after a fill) still go within a few tokens' time, while its reports catch up with a sudden need.
    /// </summary>
    public const double FloorOfEven = 0.25;

    /// <summary>How much more than it asked an instance's claim is: room to grow before its requests queue.</summary>
    public const double Headroom = 2;

    /// <param name="asked">What each instance asked, as a part of the whole limit; null: as much as it can get (its
    /// requests queued for their turn, it is starting or stopping, or it has not said yet).</param>
    /// <returns>Each instance's part, in the same order; together the whole limit.</returns>
    public static double[] Split(IReadOnlyList<double?> asked)
    {
        var n = asked.Count;
        if (n == 0) return [];
        var floor = FloorOfEven / n;
        var claims = asked.Select(a => a is { } x ? Math.Max(floor, x * Headroom) : double.PositiveInfinity).ToArray();
        var parts = new double[n];
        var order = Enumerable.Range(0, n).OrderBy(i => claims[i]).ToArray();
        var left = 1.0;
        for (var k = 0; k < n; k++)
        {
            var i = order[k];
            parts[i] = Math.Min(claims[i], left / (n - k));
            left -= parts[i];
        }
        if (left <= 1e-12) return parts;
        // Every claim met with some to spare: the smallest parts are raised to one level, as far as what is spare goes.
        Array.Sort(order, (a, b) => parts[a].CompareTo(parts[b]));
        var above = parts.Sum();
        for (var k = 1; k <= n; k++)
        {
            above -= parts[order[k - 1]];
            var level = (1 - above) / k;
            if (k < n && level > parts[order[k]]) continue;
            for (var j = 0; j < k; j++) parts[order[j]] = level;
            break;
        }
        return parts;
    }
}
