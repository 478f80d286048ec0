using System.Globalization;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Paper;

/// <summary>
/// The paper venue: one matching engine per symbol, accounts with balances and positions, a synthetic
/// market that moves and trades, and its own persisted state, so a restarted process finds the venue
/// as it left it. Every operation runs under one lock; nothing here does I/O except the state file.
/// </summary>
public sealed partial class PaperExchange : IDisposable
{
    /// <summary>The synthetic crowd; the name cannot be an instance's.</summary>
    public const string MarketAccount = "~market";
    private const int TerminalOrdersKept = 2000;
    private const int FillsKept = 5000;

    private readonly object _gate = new();
    private readonly PaperSettings _settings;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, PaperMarket> _markets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PaperAccount> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<long, PaperOrder> _orders = [];
    private readonly Dictionary<(string Account, string ClientOrderId), PaperOrder> _byClientId = [];
    private readonly Queue<long> _terminalOrders = new();
    private readonly Dictionary<string, List<VenueFill>> _fills = new(StringComparer.Ordinal);
    private readonly PaperStateStore? _store;
    /// <summary>History (terminal orders, fills, funding) made since the last save; kept only when there is a store.</summary>
    private readonly List<HistoryRecord> _historyPending = [];
    private SplitMix64 _rng;
    private long _nextOrderId = 1;
    private long _nextTradeId;
    private long _nextSequence = 1;
    private bool _dirty;
    private ITimer? _timer;
    private readonly DateTimeOffset _started;
    private readonly HashSet<string> _selfTradesAllowed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<FundingPayment>> _funding = new(StringComparer.Ordinal);
    private DateTimeOffset _nextFundingAt;

    public PaperExchange(PaperSettings settings, TimeProvider time)
    {
        _settings = settings;
        _time = time;
        _started = time.GetUtcNow();
        // A new account's trades are numbered on from its start time, not from 1: a journal outlives the account's files
        // (deleted to start the account afresh), holds the old T1, T2, ..., and would drop the new ones as counted already.
        _nextTradeId = Math.Max(1, _started.ToUnixTimeMilliseconds() * 1000 + 1);
        _nextFundingAt = _started + settings.FundingInterval;
        if (settings.SelfTrades) _selfTradesAllowed.Add(settings.Account);
        _rng = new SplitMix64(settings.Seed == 0 ? 1 : settings.Seed);
        foreach (var (spec, catalogPrice) in PaperMarkets.All)
        {
            var start = settings.PricePaths.TryGetValue(spec.Symbol, out var path) ? spec.RoundPrice(path.Points[0].Price)
                : settings.StartPrices.TryGetValue(spec.Symbol, out var p) ? spec.RoundPrice(p) : catalogPrice;
            _markets[spec.Symbol] = new PaperMarket(spec, new MatchingEngine(spec.Symbol, a => a == MarketAccount || _selfTradesAllowed.Contains(a)), start);
        }
        if (settings.StateDirectory is { } dir)
        {
            _store = PaperStateStore.Open(dir, settings.Account, settings.HistoryCompactAfterLines);
            try
            {
                if (_store.Load() is { } saved) Restore(saved.State, saved.History);
            }
            catch
            {
                _store.Dispose(); // the account's lock goes with the venue that could not open it
                throw;
            }
        }
        lock (_gate)
        {
            foreach (var market in _markets.Values)
            {
                _startMids[market.Spec.Symbol] = market.Mid; // where the synthetic past ends
                RefreshBackground(market, time.GetUtcNow(), passive: true);
            }
        }
    }

    public PaperSettings Settings => _settings;

    /// <summary>The venue's clock: its market's ticks, and its streams' quiet marks.</summary>
    public TimeProvider Time => _time;

    public IReadOnlyList<InstrumentSpec> Instruments => _markets.Values.Select(m => m.Spec).ToList();

    public decimal? Mid(string symbol)
    {
        lock (_gate) return _markets.TryGetValue(symbol, out var m) ? m.Mid : null;
    }

    /// <summary>Aggregated book levels of one side, best first.</summary>
    public Trading.MarketData.BookLevel[] Levels(string symbol, Side side, int depth)
    {
        lock (_gate) return _markets[symbol].Engine.Levels(side, depth);
    }

    /// <summary>Starts the synthetic market's clock.</summary>
    public void Start()
    {
        _timer ??= _time.CreateTimer(_ => TickOnTimer(), null, _settings.Tick, _settings.Tick);
    }

    /// <summary>
    /// A tick whose save fails (the state folder's disk full) is kept in memory and saved, and its account events sent,
    /// with the next change that saves: the market goes on, as a real venue's does, and the failure never leaves the
    /// timer's thread to end the process. An order request that cannot be saved still fails to its caller.
    /// </summary>
    private void TickOnTimer()
    {
        try { Tick(); }
        catch (IOException) { }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        lock (_gate)
        {
            try { Commit(force: true); }
            catch (IOException) { } // a full disk: the venue keeps what it saved last, as after a crash
            CompleteSubscribers();
        }
        _store?.Dispose();
    }

    /// <summary>
    /// Lets an account's orders trade with each other, as on a venue whose self-trade prevention is off for it (Aster's
    /// account-wide <c>stpMode</c>, say): each such trade is a fill of each of its two orders under one trade id.
    /// </summary>
    public void AllowSelfTrades(string account)
    {
        lock (_gate) _selfTradesAllowed.Add(account);
    }

    /// <param name="endsOnSelfTrade">The order ends where it meets a resting order of its own account (<see cref="PaperOrder.EndsOnSelfTrade"/>).</param>
    public PlaceOrderResult Place(string account, PlaceOrderRequest request, bool endsOnSelfTrade = false)
    {
        lock (_gate)
        {
            SettleFunding(_time.GetUtcNow()); // a settlement due before this order is paid on the position before its fills
            var result = PlaceLocked(account, request, endsOnSelfTrade);
            if (result.Outcome == CommandOutcome.Accepted) PublishBook(request.Symbol);
            Commit();
            return result;
        }
    }

    public CancelOrderResult Cancel(string account, CancelOrderRequest request)
    {
        lock (_gate)
        {
            var order = FindOrder(account, request);
            if (order is null || order.Symbol != request.Symbol)
                return new CancelOrderResult(CommandOutcome.Rejected, null, RejectCode.OrderNotFound, "order not found");
            if (!order.IsOpen)
                return new CancelOrderResult(CommandOutcome.Rejected, order.ToVenueOrder(), RejectCode.OrderNotFound, $"order is {order.Status}");
            CancelLocked(order);
            PublishBook(order.Symbol);
            Commit();
            return new CancelOrderResult(CommandOutcome.Accepted, order.ToVenueOrder());
        }
    }

    /// <summary>Cancels the account's open orders on the symbol whose client id starts with the prefix (all with a null prefix).</summary>
    public int CancelAll(string account, string symbol, string? clientOrderIdPrefix)
    {
        lock (_gate)
        {
            var targets = _orders.Values.Where(o => o.Account == account && o.Symbol == symbol && o.IsOpen
                && (clientOrderIdPrefix is null || (o.ClientOrderId?.StartsWith(clientOrderIdPrefix, StringComparison.Ordinal) ?? false))).ToList();
            foreach (var order in targets) CancelLocked(order);
            if (targets.Count > 0)
            {
                PublishBook(symbol);
                Commit();
            }
            return targets.Count;
        }
    }

    public VenueOrder? GetOrder(string account, string symbol, string clientOrderId)
    {
        lock (_gate)
            return _byClientId.TryGetValue((account, clientOrderId), out var o) && o.Symbol == symbol ? o.ToVenueOrder() : null;
    }

    /// <summary>One order by the venue's id, open or recently ended; null when unknown or another account's.</summary>
    public VenueOrder? GetOrderById(string account, string symbol, string venueOrderId)
    {
        lock (_gate)
            return FindOrder(account, new CancelOrderRequest(symbol, venueOrderId, null)) is { } o && o.Symbol == symbol ? o.ToVenueOrder() : null;
    }

    /// <summary>The account's orders on the symbol that the venue still remembers, open or ended, newest first.</summary>
    public IReadOnlyList<VenueOrder> OrderHistory(string account, string symbol)
    {
        lock (_gate)
            return _orders.Values.Where(o => o.Account == account && o.Symbol == symbol).OrderByDescending(o => o.Sequence).Select(o => o.ToVenueOrder()).ToList();
    }

    public IReadOnlyList<VenueOrder> OpenOrders(string account, string symbol)
    {
        lock (_gate)
            return _orders.Values.Where(o => o.Account == account && o.Symbol == symbol && o.IsOpen).OrderBy(o => o.Sequence).Select(o => o.ToVenueOrder()).ToList();
    }

    public IReadOnlyList<VenueFill> Fills(string account, string symbol, DateTimeOffset since)
    {
        lock (_gate)
            return _fills.TryGetValue(account, out var fills) ? fills.Where(f => f.Symbol == symbol && f.Timestamp >= since).ToList() : [];
    }

    public IReadOnlyList<Balance> Balances(string account)
    {
        lock (_gate)
        {
            var acc = Account(account);
            var positionMargin = PositionMargin(acc);
            return acc.Balances.Select(kv =>
            {
                var margin = positionMargin.GetValueOrDefault(kv.Key);
                return new Balance(kv.Key, kv.Value.Available - margin, kv.Value.Locked + margin);
            }).ToList();
        }
    }

    private const int ReportedPlaces = 8;

    public IReadOnlyList<Position> Positions(string account)
    {
        lock (_gate)
        {
            var acc = Account(account);
            return acc.Positions.Where(p => p.Value.Quantity != 0).Select(p =>
            {
                // Reported as a venue reports them, to 8 places: the average entry is kept exact inside (28 digits).
                var mark = _markets[p.Key].Mid;
                return new Position(p.Key, p.Value.Quantity, Math.Round(p.Value.EntryPrice, ReportedPlaces), mark,
                    Math.Round((mark - p.Value.EntryPrice) * p.Value.Quantity, ReportedPlaces));
            }).ToList();
        }
    }

    private PaperOrder? FindOrder(string account, CancelOrderRequest request)
    {
        if (request.VenueOrderId is { } venueId && long.TryParse(venueId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            return _orders.TryGetValue(id, out var byId) && byId.Account == account ? byId : null;
        return request.ClientOrderId is { } clientId && _byClientId.TryGetValue((account, clientId), out var byClient) ? byClient : null;
    }

    private PaperAccount Account(string name)
    {
        if (_accounts.TryGetValue(name, out var account)) return account;
        account = new PaperAccount(name);
        if (_settings.InitialBalances.Count > 0)
        {
            foreach (var (asset, amount) in _settings.InitialBalances) account.Balance(asset).Total = amount;
        }
        else
        {
            foreach (var spec in _markets.Values.Select(m => m.Spec))
            {
                account.Balance(spec.QuoteAsset).Total = 10_000m;
                if (spec.Kind == InstrumentKind.Spot) account.Balance(spec.BaseAsset).Total = 100m;
            }
        }
        _accounts[name] = account;
        _dirty = true;
        return account;
    }

    private Dictionary<string, decimal> PositionMargin(PaperAccount account)
    {
        var margin = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (symbol, position) in account.Positions)
        {
            if (position.Quantity == 0) continue;
            var quote = _markets[symbol].Spec.QuoteAsset;
            margin[quote] = margin.GetValueOrDefault(quote) + Math.Abs(position.Quantity) * position.EntryPrice / _settings.Leverage;
        }
        return margin;
    }

    private void Remember(PaperOrder order)
    {
        _orders[order.Id] = order;
        if (order.ClientOrderId is { } clientId) _byClientId[(order.Account, clientId)] = order;
    }

    // Terminal orders stay queryable for a while (reconciliation after a crash asks about them), then go. The synthetic
    // crowd's orders are never asked about: they go at once, so its churn cannot push an account's history out.
    private void Retire(PaperOrder order)
    {
        if (order.Account == MarketAccount)
        {
            if (_orders.Remove(order.Id) && order.ClientOrderId is { } crowdId) _byClientId.Remove((order.Account, crowdId));
            return;
        }
        AddHistory(new HistoryRecord(Order: order.ToState()));
        KeepTerminal(order);
    }

    private void KeepTerminal(PaperOrder order)
    {
        _terminalOrders.Enqueue(order.Id);
        while (_terminalOrders.Count > TerminalOrdersKept && _orders.Remove(_terminalOrders.Dequeue(), out var old) && old.ClientOrderId is { } cid)
            _byClientId.Remove((old.Account, cid));
    }

    private void RecordFill(string account, VenueFill fill)
    {
        AddHistory(new HistoryRecord(Account: account, Fill: fill));
        KeepFill(account, fill);
    }

    private void KeepFill(string account, VenueFill fill)
    {
        if (!_fills.TryGetValue(account, out var fills)) _fills[account] = fills = [];
        fills.Add(fill);
        if (fills.Count > FillsKept) fills.RemoveRange(0, fills.Count - FillsKept);
    }

    private string NextTradeId() => "T" + (_nextTradeId++).ToString(CultureInfo.InvariantCulture);

    private sealed class PaperMarket(InstrumentSpec spec, MatchingEngine engine, decimal mid)
    {
        public InstrumentSpec Spec { get; } = spec;
        public MatchingEngine Engine { get; } = engine;
        public decimal Mid { get; set; } = mid;
        public long Sequence { get; set; } = 1;
        public Dictionary<decimal, decimal> PublishedBids { get; } = [];
        public Dictionary<decimal, decimal> PublishedAsks { get; } = [];
    }
}
