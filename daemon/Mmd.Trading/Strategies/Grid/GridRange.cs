namespace Mmd.Trading.Strategies.Grid;

/// <summary>
/// A grid's range change: asked for by the operator (or the boundary action) and taken up at the next decision, when
/// the grid is rebuilt on it. Thread-safe: the request may come from another thread than the decisions.
/// </summary>
internal sealed class GridRange
{
    private readonly object _gate = new();
    private (decimal Lower, decimal Upper)? _pending;

    public GridRange((decimal Lower, decimal Upper)? initial) => _pending = initial;

    public bool Pending
    {
        get { lock (_gate) return _pending is not null; }
    }

    public void Request(decimal lower, decimal upper)
    {
        if (lower <= 0 || upper <= lower) throw new ArgumentException($"the grid range needs 0 < lower < upper (got {lower} - {upper})");
        lock (_gate) _pending = (lower, upper);
    }

    /// <summary>The requested range (then forgotten), or <paramref name="auto"/> when none was asked for.</summary>
    public (decimal Lower, decimal Upper) Take((decimal Lower, decimal Upper) auto)
    {
        lock (_gate)
        {
            var range = _pending ?? auto;
            _pending = null;
            return range;
        }
    }

    /// <summary>
    /// A new config for a running grid: only its range may differ (the grid is rebuilt on it). Returns null when taken,
    /// or why not.
    /// </summary>
    public string? Reconfigure<T>(T current, StrategyConfig config, string kind) where T : GridConfig
    {
        if (config is not T next) return $"{kind} cannot become {config.Kind} while running";
        if (next with { Lower = current.Lower, Upper = current.Upper, AutoRange = current.AutoRange } != current)
            return "only the range of a running grid can change; restart the instance for the other parameters";
        if (next.Lower is not { } lower || next.Upper is not { } upper) return "a range adjustment needs both bounds";
        Request(lower, upper);
        return null;
    }
}
