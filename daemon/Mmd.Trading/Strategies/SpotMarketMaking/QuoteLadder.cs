using Mmd.Trading.Stats;
using Mmd.Trading.Strategies.AvellanedaStoikov;

namespace Mmd.Trading.Strategies.SpotMarketMaking;

/// <summary>
/// The market makers' price ladder: a bid and an ask per level, priced by the Avellaneda-Stoikov model when it is on
/// and warmed up, else by the seed's fixed spread around the mid. Resized and re-modelled on a live change.
/// </summary>
public sealed class QuoteLadder
{
    private AvellanedaStoikovModel? _model;
    private AvellanedaStoikovConfig? _modelConfig;

    public QuoteLadder(int levels, AvellanedaStoikovConfig? model)
    {
        Bids = new decimal[levels];
        Asks = new decimal[levels];
        Use(model);
    }

    public decimal[] Bids { get; private set; }
    public decimal[] Asks { get; private set; }
    public int Levels => Bids.Length;

    public void Reconfigure(int levels, AvellanedaStoikovConfig? model)
    {
        if (levels != Bids.Length) (Bids, Asks) = (new decimal[levels], new decimal[levels]);
        if (model != _modelConfig) Use(model);
    }

    /// <summary>Prices the ladder; returns true when the model did (the caller then skips the seed's skew).</summary>
    /// <param name="inventory">The position the model leans against, in base units.</param>
    /// <param name="unit">One order's size: the model counts inventory in these.</param>
    public bool Price(StrategyView view, decimal mid, decimal spreadPct, decimal inventory, decimal unit)
    {
        if (_model is not null && ModelQuoting.TryLadder(_model, view, mid, inventory, unit, spreadPct, Bids, Asks)) return true;
        QuoteMath.Prices(view.Instrument, mid, spreadPct, Bids, Asks);
        return false;
    }

    public ModelFigures? ModelFigures => ModelQuoting.Figures(_model);

    private void Use(AvellanedaStoikovConfig? model)
    {
        _modelConfig = model;
        _model = model is null ? null : new AvellanedaStoikovModel(model);
    }
}
