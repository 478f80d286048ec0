using Mmd.Trading.Execution;
using Mmd.Trading.MarketData;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Stats;
using Mmd.Trading.Collections;

namespace Mmd.Trading.Engine;

/// <summary>
/// One market the engine trades on, with everything that is per market: its connector and symbol, book, own orders,
/// journal scope, position figures and stream state. Every instance has its primary market (where it quotes); a
/// cross-market hedge adds a second one (another symbol, or another venue) where only the hedges go.
/// </summary>
internal sealed class MarketLeg(string name, IExchangeConnector connector, string symbol, ITradingJournal journal, OrderTracker tracker, ClientOrderIds ids)
{
    public const string PrimaryName = "primary";
    public const string HedgeName = "hedge";

    /// <summary>"primary" or "hedge": in stream names and logs.</summary>
    public string Name { get; } = name;
    public IExchangeConnector Connector { get; } = connector;
    public string Symbol { get; } = symbol;
    public ITradingJournal Journal { get; } = journal;
    public OrderTracker Tracker { get; } = tracker;
    /// <summary>Shared with the primary leg when both are on one venue: one numbering, never a repeated id.</summary>
    public ClientOrderIds Ids { get; } = ids;
    public bool IsHedge => Name == HedgeName;

    public InstrumentSpec Instrument { get; private set; } = null!;
    public OrderBook Book { get; private set; } = null!;
    public TradingStatistics Cumulative { get; private set; } = null!;
    public TradingStatistics Session { get; private set; } = null!;

    public CancellationTokenSource? BookPump { get; set; }
    public int BookGeneration { get; set; }
    /// <summary>The venue refused this market's reduce-only flatten as increasing the account's position (another's is opposite).</summary>
    public bool FlattenReduceOnlyRefused { get; set; }
    /// <summary>Our fills asked of the venue after a reduce-only refusal (a later refusal asks again after the answer).</summary>
    public OneAskAtATime FillsAsk { get; } = new();
    /// <summary>A catch-up with the venue: our open orders and fills, read off the loop.</summary>
    public OneAskAtATime CatchUpAsk { get; } = new();
    public bool FundingReadInFlight { get; set; }
    public bool AccountStreamUp { get; set; }
    public DateTimeOffset? AccountDownSince { get; set; }
    public HashSet<string> QueriesInFlight { get; } = new(StringComparer.Ordinal);
    /// <summary>
    /// Orders whose place request the venue has not answered yet (by client order id). A venue may tell a refusal on its
    /// stream before it answers (Paradex closes a refused order, then the connector answers Rejected): until the answer,
    /// and the refusal it brings to the strategy, such an order is still working.
    /// </summary>
    public HashSet<string> PlacesInFlight { get; } = new(StringComparer.Ordinal);
    /// <summary>The quotes among them that may still be taken back before they leave (by client order id; PlaceWithdrawal).</summary>
    public Dictionary<string, PlaceWithdrawal> Withdrawable { get; } = new(StringComparer.Ordinal);
    /// <summary>Stray orders of ours not yet known gone (by client order id), and those with a cancel in flight (one at a time).</summary>
    public Dictionary<string, VenueOrder> Strays { get; } = new(StringComparer.Ordinal);
    public HashSet<string> StrayCancelsInFlight { get; } = new(StringComparer.Ordinal);

    /// <summary>Orders with our prefix that another process placed (the latest few thousand): left to it, their fills not ours.</summary>
    public RecentSet<string> Foreign { get; } = new(4096, StringComparer.Ordinal);

    /// <summary>Funding settlements already counted (id → time), and the time the next poll asks from.</summary>
    public Dictionary<string, DateTimeOffset> FundingSeen { get; } = new(StringComparer.Ordinal);
    public DateTimeOffset FundingSince { get; set; }

    /// <summary>The start has counted every journaled fill into <see cref="Cumulative"/>: only then may a checkpoint of it be saved.</summary>
    public bool FiguresComplete { get; set; }
    /// <summary>The cumulative figures or the funding state moved since the last checkpoint.</summary>
    public bool CheckpointDue { get; set; }

    public string BookStream => IsHedge ? "hedge book" : "book";
    public string AccountStream => IsHedge ? "hedge account" : "account";

    /// <summary>
    /// What a fill of ours was for: its order's purpose; for an order the tracker no longer holds (ended before a restart,
    /// or pruned since), the journal's; the leg's own kind of order when the journal has no row either. Never cut short:
    /// the caller has already marked the trade seen, so a lookup a stop cancelled would lose the fill.
    /// </summary>
    public async ValueTask<OrderPurpose> PurposeOfAsync(TrackedOrder? order, VenueFill fill)
    {
        if (order is not null) return order.Purpose;
        if (fill.ClientOrderId is { } id && await Journal.LoadOrderPurposeAsync(id, CancellationToken.None) is { } journaled) return journaled;
        return IsHedge ? OrderPurpose.Hedge : OrderPurpose.Quote;
    }

    /// <summary>Looks the symbol up on the venue; the leg cannot trade without it.</summary>
    public async Task LoadInstrumentAsync(CancellationToken cancellationToken)
    {
        Instrument = (await Connector.GetInstrumentsAsync(cancellationToken)).FirstOrDefault(i => i.Symbol == Symbol)
            ?? throw new ReconciliationFailedException($"venue {Connector.Venue} has no symbol {Symbol}");
        Book = new OrderBook(Instrument.Symbol);
        // A market without funding settlements never asks what the position was at a time: no history of it is kept.
        Cumulative = new TradingStatistics(Instrument.BaseAsset, Instrument.QuoteAsset, keepPositionHistory: TracksFunding);
        Session = new TradingStatistics(Instrument.BaseAsset, Instrument.QuoteAsset, keepPositionHistory: TracksFunding);
    }

    /// <summary>A perpetual on a venue that lists its funding settlements: the instance pays or earns its share of each.</summary>
    public bool TracksFunding => Instrument.Kind == InstrumentKind.Perpetual && Connector.Capabilities.HasFlag(ConnectorCapabilities.FundingHistory);

    /// <summary>The book is synced, and the feed has shown it current (moved, or said it is alive) within <paramref name="staleAfter"/>.</summary>
    public bool BookFresh(DateTimeOffset now, TimeSpan staleAfter) => Book is { IsSynced: true } book && now - book.LastConfirmed <= staleAfter;

    /// <summary>The account stream has been down for longer than <paramref name="grace"/>: fills could go unseen.</summary>
    public bool AccountDown(DateTimeOffset now, TimeSpan grace) => AccountDownSince is { } down && now - down > grace;
}
