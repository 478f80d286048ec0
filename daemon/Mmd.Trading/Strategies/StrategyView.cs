using Mmd.Trading.Execution;
using Mmd.Trading.MarketData;
using Mmd.Trading.Primitives;

namespace Mmd.Trading.Strategies;

/// <summary>What a strategy may look at when it decides. Read-only; owned by the engine.</summary>
public sealed class StrategyView
{
    public required InstrumentSpec Instrument { get; init; }
    public required OrderBook Book { get; init; }
    /// <summary>Best bid and ask of the market without our own resting orders; null when a side is empty.</summary>
    public decimal? BestBid { get; set; }
    public decimal? BestAsk { get; set; }

    /// <summary>The reference mid: (best bid + best ask) / 2 of the market without our own orders.</summary>
    public decimal? Mid => BestBid is { } b && BestAsk is { } a ? (b + a) / 2m : null;

    public IReadOnlyDictionary<string, Balance> Balances { get; set; } = new Dictionary<string, Balance>();
    public DateTimeOffset Now { get; set; }
    public StrategyTrigger Trigger { get; set; }
    /// <summary>True while a rebalance order is in flight or its effect is not yet in the balances.</summary>
    public bool RebalancePending { get; set; }

    /// <summary>
    /// The instance's own net position from its journaled fills, across runs (signed: long &gt; 0). Other instances
    /// and manual trades on the same account are not in it, so one instance never trades away another's inventory.
    /// </summary>
    public decimal Position { get; set; }
    /// <summary>Average entry price of <see cref="Position"/>; 0 when flat.</summary>
    public decimal EntryPrice { get; set; }
    /// <summary>Unrealized PnL of <see cref="Position"/> at the mid, in the quote asset; 0 without a mid.</summary>
    public decimal UnrealizedPnl { get; set; }
    /// <summary>
    /// True while a one-off order of ours (hedge, reduce, close) is still working: not ended, its fills not all in, or
    /// refused on the venue's stream with the answer that brings the refusal still to come.
    /// </summary>
    public bool ImmediatePending { get; set; }
    /// <summary>
    /// One-off intents of ours the engine withdrew before they went out, since it started: a taker held while our own
    /// orders stood in its way is dropped when a fill moves the position meanwhile. Such an intent never reached the venue.
    /// </summary>
    public long ImmediateWithdrawn { get; set; }

    public decimal TotalOf(string asset) => Balances.TryGetValue(asset, out var b) ? b.Total : 0m;

    /// <summary>The hedge market of a cross-market hedge; null when the instance trades one market.</summary>
    public HedgeMarketView? Hedge { get; set; }
}

/// <summary>The second market of a cross-market hedge (another symbol or venue), as the strategy sees it.</summary>
public sealed class HedgeMarketView
{
    public required string Venue { get; init; }
    public required InstrumentSpec Instrument { get; init; }
    /// <summary>Its best bid and ask; null when a side is empty.</summary>
    public decimal? BestBid { get; set; }
    public decimal? BestAsk { get; set; }
    /// <summary>The instance's own position there, from its fills on it (signed: long &gt; 0).</summary>
    public decimal Position { get; set; }
}
