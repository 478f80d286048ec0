using System.Threading.Channels;
using Mmd.Trading.Execution;
using Mmd.Trading.MarketData;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Paper;

// Book and account streams. A subscriber that cannot keep up is never waited for: it is marked as
// having lost events and gets a fresh snapshot (book) or a resync request (account) once it has room.
// Account events wait in an outbox until the change they report is saved (Commit): a client must never hold a fill
// or an order that a restarted venue would not know.
public sealed partial class PaperExchange
{
    private readonly List<BookSubscriber> _bookSubscribers = [];
    private readonly List<AccountSubscriber> _accountSubscribers = [];
    private readonly List<(string Account, string Symbol, AccountEvent Event)> _accountOutbox = [];

    public ChannelReader<MarketDataEvent> SubscribeBook(string symbol, out Action unsubscribe)
    {
        lock (_gate)
        {
            if (!_markets.TryGetValue(symbol, out var market)) throw new ArgumentException($"unknown symbol {symbol}", nameof(symbol));
            var subscriber = new BookSubscriber(symbol, Channel.CreateBounded<MarketDataEvent>(1024));
            subscriber.Channel.Writer.TryWrite(Snapshot(market));
            _bookSubscribers.Add(subscriber);
            unsubscribe = () => { lock (_gate) { _bookSubscribers.Remove(subscriber); subscriber.Channel.Writer.TryComplete(); } };
            return subscriber.Channel.Reader;
        }
    }

    public ChannelReader<AccountEvent> SubscribeAccount(string account, string symbol, out Action unsubscribe)
    {
        lock (_gate)
        {
            var subscriber = new AccountSubscriber(account, symbol, Channel.CreateBounded<AccountEvent>(65_536));
            _accountSubscribers.Add(subscriber);
            unsubscribe = () => { lock (_gate) { _accountSubscribers.Remove(subscriber); subscriber.Channel.Writer.TryComplete(); } };
            return subscriber.Channel.Reader;
        }
    }

    /// <summary>
    /// Events sent to open streams that their readers have not taken yet: an in-process client that has acted on all it
    /// took is caught up once this is zero.
    /// </summary>
    public int Undelivered
    {
        get
        {
            lock (_gate) return _bookSubscribers.Sum(s => s.Channel.Reader.Count) + _accountSubscribers.Sum(s => s.Channel.Reader.Count);
        }
    }

    /// <summary>The published book now, with the sequence number of the last delta it includes.</summary>
    public BookSnapshotEvent BookSnapshot(string symbol)
    {
        lock (_gate)
        {
            if (!_markets.TryGetValue(symbol, out var market)) throw new ArgumentException($"unknown symbol {symbol}", nameof(symbol));
            return Snapshot(market);
        }
    }

    /// <summary>Test hook: the next book event each subscriber of the symbol receives skips a sequence number.</summary>
    public void InjectBookGap(string symbol)
    {
        lock (_gate) _markets[symbol].Sequence += 5;
    }

    /// <summary>
    /// The book at the last sequence number. Changes not yet published go out first (to the subscribers already there),
    /// so the snapshot at sequence N is exactly the book the deltas up to N made. Built from the levels as they stood
    /// instead, before the first publication, it held levels the next delta never removed (it was relative to what had
    /// been published, nothing): a phantom best bid stayed in a subscriber's book until its price was quoted again.
    /// </summary>
    private BookSnapshotEvent Snapshot(PaperMarket market)
    {
        PublishBook(market.Spec.Symbol);
        var bids = market.Engine.Levels(Side.Buy, _settings.PublishedDepth);
        var asks = market.Engine.Levels(Side.Sell, _settings.PublishedDepth);
        return new BookSnapshotEvent(market.Spec.Symbol, market.Sequence, bids, asks, _time.GetUtcNow());
    }

    /// <summary>Sends the change of the top levels since the last publication as one sequenced delta.</summary>
    private void PublishBook(string symbol)
    {
        var market = _markets[symbol];
        var bids = Diff(market.PublishedBids, market.Engine.Levels(Side.Buy, _settings.PublishedDepth));
        var asks = Diff(market.PublishedAsks, market.Engine.Levels(Side.Sell, _settings.PublishedDepth));
        if (bids.Length == 0 && asks.Length == 0) return;
        var first = market.Sequence + 1;
        market.Sequence = first;
        var delta = new BookDeltaEvent(symbol, first, first, bids, asks, _time.GetUtcNow());
        foreach (var subscriber in _bookSubscribers)
        {
            if (subscriber.Symbol != symbol) continue;
            if (subscriber.Lost)
            {
                subscriber.Lost = !subscriber.Channel.Writer.TryWrite(Snapshot(market));
                continue;
            }
            if (!subscriber.Channel.Writer.TryWrite(delta)) subscriber.Lost = true;
        }
    }

    private static BookLevel[] Diff(Dictionary<decimal, decimal> published, BookLevel[] current)
    {
        var changes = new List<BookLevel>();
        var seen = new HashSet<decimal>();
        foreach (var level in current)
        {
            seen.Add(level.Price);
            if (!published.TryGetValue(level.Price, out var old) || old != level.Quantity)
            {
                changes.Add(level);
                published[level.Price] = level.Quantity;
            }
        }
        foreach (var price in published.Keys.Where(p => !seen.Contains(p)).ToList())
        {
            changes.Add(new BookLevel(price, 0m));
            published.Remove(price);
        }
        return changes.ToArray();
    }

    private void PublishOrder(PaperOrder order)
    {
        if (order.Account == MarketAccount) return;
        PublishAccount(order.Account, order.Symbol, new OrderUpdateEvent(order.ToVenueOrder(), _time.GetUtcNow()));
    }

    private void PublishFill(string account, VenueFill fill) => PublishAccount(account, fill.Symbol, new FillEvent(fill, fill.Timestamp));

    private void PublishAccount(string account, string symbol, AccountEvent e) => _accountOutbox.Add((account, symbol, e));

    private void DeliverAccountEvents()
    {
        foreach (var (account, symbol, e) in _accountOutbox) Deliver(account, symbol, e);
        _accountOutbox.Clear();
    }

    private void Deliver(string account, string symbol, AccountEvent e)
    {
        foreach (var subscriber in _accountSubscribers)
        {
            if (subscriber.Account != account || subscriber.Symbol != symbol) continue;
            if (subscriber.Lost)
            {
                // The client re-reads orders and fills over REST, which include this event.
                subscriber.Lost = !subscriber.Channel.Writer.TryWrite(new AccountResyncRequiredEvent("account stream overflowed", _time.GetUtcNow()));
                continue;
            }
            if (!subscriber.Channel.Writer.TryWrite(e)) subscriber.Lost = true;
        }
    }

    private void CompleteSubscribers()
    {
        foreach (var s in _bookSubscribers) s.Channel.Writer.TryComplete();
        foreach (var s in _accountSubscribers) s.Channel.Writer.TryComplete();
        _bookSubscribers.Clear();
        _accountSubscribers.Clear();
    }

    private sealed class BookSubscriber(string symbol, Channel<MarketDataEvent> channel)
    {
        public string Symbol { get; } = symbol;
        public Channel<MarketDataEvent> Channel { get; } = channel;
        public bool Lost { get; set; }
    }

    private sealed class AccountSubscriber(string account, string symbol, Channel<AccountEvent> channel)
    {
        public string Account { get; } = account;
        public string Symbol { get; } = symbol;
        public Channel<AccountEvent> Channel { get; } = channel;
        public bool Lost { get; set; }
    }
}
