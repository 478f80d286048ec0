using Mmd.Trading.Execution;
using Mmd.Trading.MarketData;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Paper;

/// <summary>One execution: the resting order, the incoming one, at the resting order's price.</summary>
internal readonly record struct Execution(PaperOrder Maker, PaperOrder Taker, decimal Price, decimal Quantity);

internal enum SubmitOutcome
{
    /// <summary>Rests on the book (possibly after partial fills).</summary>
    Rested = 1,
    Filled = 2,
    /// <summary>Ended unfilled or partly filled: IOC or market remainder.</summary>
    Expired = 3,
    PostOnlyWouldTake = 4,
}

internal sealed record SubmitResult(SubmitOutcome Outcome, List<Execution> Executions, List<PaperOrder> SelfTradeCancelled);

/// <summary>
/// A price-time-priority limit order book for one symbol. Executions happen at the resting order's
/// price. Self-trade prevention cancels the resting order when an account would trade with itself
/// (accounts listed as exempt — the synthetic crowd — are many traders in one and never self-trade).
/// Funds and positions are not its business: the venue checks them around it.
/// </summary>
internal sealed class MatchingEngine
{
    private readonly SortedDictionary<decimal, LinkedList<PaperOrder>> _bids = new(Comparer<decimal>.Create((a, b) => b.CompareTo(a)));
    private readonly SortedDictionary<decimal, LinkedList<PaperOrder>> _asks = new();
    private readonly Dictionary<long, LinkedListNode<PaperOrder>> _resting = [];
    private readonly Func<string, bool> _selfTradeExempt;

    public MatchingEngine(string symbol, Func<string, bool> selfTradeExempt)
    {
        Symbol = symbol;
        _selfTradeExempt = selfTradeExempt;
    }

    public string Symbol { get; }

    public int RestingCount => _resting.Count;

    public decimal? BestBid => _bids.Count > 0 ? _bids.First().Key : null;
    public decimal? BestAsk => _asks.Count > 0 ? _asks.First().Key : null;

    public IEnumerable<PaperOrder> RestingOrders => _resting.Values.Select(n => n.Value);

    /// <summary>Matches an incoming order; <paramref name="fillLimit"/> caps what may execute (reduce-only, funds).</summary>
    public SubmitResult Submit(PaperOrder order, DateTimeOffset now, decimal? fillLimit = null)
    {
        var executions = new List<Execution>();
        var stpCancelled = new List<PaperOrder>();
        var opposite = order.Side == Side.Buy ? _asks : _bids;

        if (order.PostOnly && order.Price is { } postPrice && opposite.Count > 0 && Crosses(order.Side, postPrice, opposite.First().Key))
            return new SubmitResult(SubmitOutcome.PostOnlyWouldTake, executions, stpCancelled);

        var limit = Math.Min(order.Remaining, fillLimit ?? decimal.MaxValue);
        if (order.TimeInForce == TimeInForce.Fok && (limit < order.Remaining || Matchable(order, opposite) < order.Remaining))
        {
            // Fill-or-kill: nothing trades unless all of it can.
            order.Status = VenueOrderStatus.Expired;
            order.UpdatedAt = now;
            return new SubmitResult(SubmitOutcome.Expired, executions, stpCancelled);
        }
        var executed = 0m;
        while (executed < limit && opposite.Count > 0)
        {
            var (levelPrice, queue) = opposite.First();
            if (order.Type == OrderType.Limit && !Crosses(order.Side, order.Price!.Value, levelPrice)) break;
            var node = queue.First!;
            var maker = node.Value;
            if (maker.Account == order.Account && !_selfTradeExempt(order.Account))
            {
                if (order.EndsOnSelfTrade)
                {
                    order.Status = VenueOrderStatus.Expired;
                    order.UpdatedAt = now;
                    return new SubmitResult(SubmitOutcome.Expired, executions, stpCancelled);
                }
                RemoveNode(node, opposite, levelPrice);
                maker.Status = VenueOrderStatus.Expired;
                maker.UpdatedAt = now;
                stpCancelled.Add(maker);
                continue;
            }
            var quantity = Math.Min(limit - executed, maker.Remaining);
            maker.Filled += quantity;
            maker.UpdatedAt = now;
            order.Filled += quantity;
            executed += quantity;
            executions.Add(new Execution(maker, order, levelPrice, quantity));
            if (maker.Remaining == 0)
            {
                maker.Status = VenueOrderStatus.Filled;
                RemoveNode(node, opposite, levelPrice);
            }
            else
            {
                maker.Status = VenueOrderStatus.PartiallyFilled;
            }
        }

        order.UpdatedAt = now;
        if (order.Remaining == 0)
        {
            order.Status = VenueOrderStatus.Filled;
            return new SubmitResult(SubmitOutcome.Filled, executions, stpCancelled);
        }
        if (order.Type == OrderType.Market || order.TimeInForce is TimeInForce.Ioc or TimeInForce.Fok || executed >= limit && fillLimit is not null)
        {
            order.Status = VenueOrderStatus.Expired;
            return new SubmitResult(SubmitOutcome.Expired, executions, stpCancelled);
        }
        order.Status = order.Filled > 0 ? VenueOrderStatus.PartiallyFilled : VenueOrderStatus.Open;
        Rest(order);
        return new SubmitResult(SubmitOutcome.Rested, executions, stpCancelled);
    }

    /// <summary>What an order could take from the opposite side at its limit, not counting its own account's orders (self-trade prevention removes those).</summary>
    private decimal Matchable(PaperOrder order, SortedDictionary<decimal, LinkedList<PaperOrder>> opposite)
    {
        var available = 0m;
        foreach (var (price, queue) in opposite)
        {
            if (order.Type == OrderType.Limit && !Crosses(order.Side, order.Price!.Value, price)) break;
            foreach (var maker in queue)
                if (maker.Account != order.Account || _selfTradeExempt(order.Account)) available += maker.Remaining;
            if (available >= order.Remaining) break;
        }
        return available;
    }

    public PaperOrder? Cancel(long orderId, DateTimeOffset now)
    {
        if (!_resting.TryGetValue(orderId, out var node)) return null;
        var order = node.Value;
        RemoveNode(node, order.Side == Side.Buy ? _bids : _asks, order.Price!.Value);
        order.Status = VenueOrderStatus.Cancelled;
        order.UpdatedAt = now;
        return order;
    }

    /// <summary>Puts a restored order back on the book without matching (state loaded from disk).</summary>
    public void Restore(PaperOrder order) => Rest(order);

    /// <summary>Aggregated levels, best first.</summary>
    public BookLevel[] Levels(Side side, int depth)
    {
        var book = side == Side.Buy ? _bids : _asks;
        var levels = new List<BookLevel>(Math.Min(depth, book.Count));
        foreach (var (price, queue) in book)
        {
            if (levels.Count == depth) break;
            var quantity = 0m;
            foreach (var o in queue) quantity += o.Remaining;
            levels.Add(new BookLevel(price, quantity));
        }
        return levels.ToArray();
    }

    /// <summary>The quantity a market order of <paramref name="side"/> could take before it costs more than <paramref name="budget"/> in quote.</summary>
    public decimal AffordableQuantity(Side side, decimal budget, decimal feeRate)
    {
        var book = side == Side.Buy ? _asks : _bids;
        var quantity = 0m;
        foreach (var (price, queue) in book)
        {
            foreach (var o in queue)
            {
                var unitCost = price * (1 + feeRate);
                var take = Math.Min(o.Remaining, budget / unitCost);
                quantity += take;
                budget -= take * unitCost;
                if (budget <= 0) return quantity;
            }
        }
        return quantity;
    }

    private static bool Crosses(Side side, decimal price, decimal oppositeBest) =>
        side == Side.Buy ? price >= oppositeBest : price <= oppositeBest;

    private void Rest(PaperOrder order)
    {
        var book = order.Side == Side.Buy ? _bids : _asks;
        if (!book.TryGetValue(order.Price!.Value, out var queue))
        {
            queue = new LinkedList<PaperOrder>();
            book.Add(order.Price.Value, queue);
        }
        // Restored orders arrive in any order: keep the queue sorted by arrival sequence.
        var after = queue.Last;
        while (after is not null && after.Value.Sequence > order.Sequence) after = after.Previous;
        _resting[order.Id] = after is null ? queue.AddFirst(order) : queue.AddAfter(after, order);
    }

    private void RemoveNode(LinkedListNode<PaperOrder> node, SortedDictionary<decimal, LinkedList<PaperOrder>> book, decimal price)
    {
        var queue = node.List!;
        queue.Remove(node);
        _resting.Remove(node.Value.Id);
        if (queue.Count == 0) book.Remove(price);
    }
}
