using System.Collections.Concurrent;
using Mmd.Trading.Engine;
using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Stats;

namespace Mmd.TestKit;

/// <summary>An in-process journal for unit tests and benchmarks; keeps copies, as a database would.</summary>
public sealed class InMemoryTradingJournal : ITradingJournal
{
    private readonly ConcurrentDictionary<string, OrderSnapshot> _orders = new(StringComparer.Ordinal);
    // Keyed as SQLite's unique index is: a trade and our side of it.
    private readonly ConcurrentDictionary<(string TradeId, Side Side), JournaledFill> _fills = new();
    private readonly ConcurrentQueue<JournaledFill> _fillOrder = new();

    public IReadOnlyDictionary<string, OrderSnapshot> Orders => _orders;
    public IReadOnlyList<JournaledFill> Fills => _fillOrder.ToList();
    public int DuplicateFillsRejected { get; private set; }
    public List<StatsSnapshot> Stats { get; } = [];

    /// <summary>Runs as orders are written: a test can make the write take (fake) time.</summary>
    public Action? OnOrdersWrite { get; set; }

    public Task SaveOrdersAsync(IReadOnlyList<TrackedOrder> orders, CancellationToken cancellationToken)
    {
        OnOrdersWrite?.Invoke();
        foreach (var o in orders)
        {
            _orders[o.ClientOrderId] = OrderSnapshot.Of(o);
            if (o.Status == OrderStatus.New) LastClientOrderId = o.ClientOrderId; // a new order is the newest row, as in SQLite
        }
        return Task.CompletedTask;
    }

    /// <summary>The order journaled last as new (<see cref="LoadLastClientOrderIdAsync"/>).</summary>
    public string? LastClientOrderId { get; private set; }

    public Task<string?> LoadLastClientOrderIdAsync(CancellationToken cancellationToken) => Task.FromResult(LastClientOrderId);

    /// <summary>Runs before a fill is written, with the write's token: a test can hold the write, as a busy SQLite writer does.</summary>
    public Func<CancellationToken, Task>? BeforeFillWrite { get; set; }

    public async Task<bool> RecordFillAsync(VenueFill fill, OrderPurpose purpose, CancellationToken cancellationToken)
    {
        if (BeforeFillWrite is { } wait) await wait(cancellationToken);
        lock (_fillOrder)
        {
            var journaled = new JournaledFill(fill, purpose) { Row = _fillOrder.Count + 1 };
            if (!_fills.TryAdd(fill.Key, journaled)) { DuplicateFillsRejected++; return false; }
            _fillOrder.Enqueue(journaled);
            return true;
        }
    }

    public Task<IReadOnlyList<TrackedOrder>> LoadOpenOrdersAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TrackedOrder>>(_orders.Values.Where(o => !OrderStateMachine.IsTerminal(o.Status)).Select(o => o.ToTracked()).ToList());

    public Task<OrderPurpose?> LoadOrderPurposeAsync(string clientOrderId, CancellationToken cancellationToken) =>
        Task.FromResult(_orders.TryGetValue(clientOrderId, out var o) ? o.Template.Purpose : (OrderPurpose?)null);

    /// <summary>The queries the engine made, in order: a test can tell which fills a start read.</summary>
    public List<FillQuery> FillQueries { get; } = [];

    public IAsyncEnumerable<JournaledFill> ReadFillsAsync(FillQuery query, CancellationToken cancellationToken)
    {
        lock (FillQueries) FillQueries.Add(query);
        var from = query.From?.ToUnixTimeMilliseconds();
        var orders = query.Orders?.ToHashSet(StringComparer.Ordinal);
        return _fillOrder.ToList()
            .Where(f => f.Row > query.AfterRow && (query.UpToRow is not { } upTo || f.Row <= upTo)
                && (from is not { } ms || f.Fill.Timestamp.ToUnixTimeMilliseconds() >= ms)
                && (orders is null || (f.Fill.ClientOrderId is { } id && orders.Contains(id))))
            .OrderBy(f => f.Fill.Timestamp.ToUnixTimeMilliseconds()).ThenBy(f => f.Row)
            .ToAsyncEnumerable();
    }

    /// <summary>The saved checkpoint (null before one is), with the last fill row it covers.</summary>
    public JournalCheckpoint? Checkpoint { get; set; }

    public Task SaveCheckpointAsync(FiguresCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        lock (_fillOrder) Checkpoint = new JournalCheckpoint(checkpoint, _fillOrder.Count);
        return Task.CompletedTask;
    }

    public Task<JournalCheckpoint?> LoadCheckpointAsync(CancellationToken cancellationToken) => Task.FromResult(Checkpoint);

    public Task SaveStatsAsync(StatsSnapshot snapshot, bool replaceLatest, CancellationToken cancellationToken)
    {
        lock (Stats)
        {
            if (replaceLatest && Stats.Count > 0) Stats[^1] = snapshot;
            else Stats.Add(snapshot);
        }
        return Task.CompletedTask;
    }

    public Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var (id, order) in _orders)
        {
            if (OrderStateMachine.IsTerminal(order.Status) && order.UpdatedAt < before && _orders.TryRemove(id, out _)) deleted++;
        }
        lock (Stats)
        {
            var latest = Stats.LastOrDefault();
            deleted += Stats.RemoveAll(s => s.Time < before && !ReferenceEquals(s, latest));
        }
        return Task.FromResult(deleted);
    }

    public Task<StrategyFigures?> LoadLastStrategyFiguresAsync(CancellationToken cancellationToken)
    {
        lock (Stats) return Task.FromResult(Stats.Count > 0 ? Stats[^1].StrategyFigures : null);
    }

    public Task<string?> LoadTrippedKillSwitchAsync(CancellationToken cancellationToken)
    {
        lock (Stats) return Task.FromResult(Stats.Count > 0 && Stats[^1].KillSwitchTripped ? Stats[^1].KillSwitchReason ?? "tripped" : null);
    }

    public Task<Mmd.Trading.Risk.DayStart?> LoadDayStartAsync(CancellationToken cancellationToken)
    {
        lock (Stats) return Task.FromResult(Stats.Count > 0 ? Stats[^1].DayStart : null);
    }

    /// <summary>An immutable copy of an order as it was written.</summary>
    public sealed record OrderSnapshot(TrackedOrder Template, OrderStatus Status, string? VenueOrderId, decimal Filled, DateTimeOffset UpdatedAt, string? LastError)
    {
        public static OrderSnapshot Of(TrackedOrder o) => new(o, o.Status, o.VenueOrderId, o.FilledQuantity, o.UpdatedAt, o.LastError);

        public TrackedOrder ToTracked()
        {
            var t = Template;
            var copy = new TrackedOrder
            {
                ClientOrderId = t.ClientOrderId, Symbol = t.Symbol, Side = t.Side, Type = t.Type, TimeInForce = t.TimeInForce, Price = t.Price,
                QuotedPrice = t.QuotedPrice,
                Quantity = t.Quantity, PostOnly = t.PostOnly, ReduceOnly = t.ReduceOnly, Purpose = t.Purpose, Level = t.Level,
                PostOnlyRetries = t.PostOnlyRetries, CreatedAt = t.CreatedAt,
            };
            copy.Restore(Status, VenueOrderId, Filled, UpdatedAt, LastError);
            return copy;
        }
    }
}
