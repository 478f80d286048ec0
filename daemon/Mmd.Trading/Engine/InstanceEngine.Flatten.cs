using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;

namespace Mmd.Trading.Engine;

// Stop with flatten: after every own order is cancelled, close the instance's position at market.
public sealed partial class InstanceEngine
{
    private const int MaxFlattenAttempts = 3;
    private volatile bool _flattenOnStop;

    /// <summary>
    /// Makes the coming stop close the position too (`mmctl stop --flatten`): the instance's net inventory from its
    /// own fills, across runs, not whatever else the account holds. Call before cancelling the run.
    /// </summary>
    public void RequestFlattenOnStop() => _flattenOnStop = true;

    /// <summary>
    /// IOC market orders against the leg's position until it is below the venue's minimum, at most three, each one
    /// waited for (its fills recorded) before the next is sized. Runs while the streams are still up. A cross-market
    /// hedge flattens both markets, each its own position.
    /// </summary>
    private async Task FlattenAsync(MarketLeg leg, CancellationToken timeout)
    {
        for (var attempt = 1; ; attempt++)
        {
            var position = leg.Cumulative.Position;
            var side = position > 0 ? Side.Sell : Side.Buy;
            var quantity = leg.Instrument.RoundQuantity(Math.Abs(position));
            if (leg.Book.Mid is not { } mid)
            {
                EngineLog.FlattenLeft(_logger, _options.InstanceName, position, "no market data to value the order");
                return;
            }
            if (!leg.Instrument.MeetsMinimums(mid, quantity))
            {
                if (position != 0) EngineLog.FlattenLeft(_logger, _options.InstanceName, position, "below the venue's minimum order");
                return;
            }
            if (attempt > MaxFlattenAttempts)
            {
                EngineLog.FlattenLeft(_logger, _options.InstanceName, position, $"still open after {MaxFlattenAttempts} attempts");
                return;
            }
            // Reduce-only, unless the venue refused that: each attempt's fills are caught up before the next is sized, so a
            // refusal then means the account holds another's opposite position, and only a plain order closes our own.
            var order = NewOrder(leg, side, OrderType.Market, TimeInForce.Ioc, null, quantity, OrderPurpose.Flatten, -1,
                postOnly: false, reduceOnly: leg.Instrument.Kind == InstrumentKind.Perpetual && !leg.FlattenReduceOnlyRefused);
            if (!TryAdmit(leg, order))
            {
                EngineLog.FlattenLeft(_logger, _options.InstanceName, position, "the risk limits denied the order");
                return;
            }
            EngineLog.Flattening(_logger, _options.InstanceName, side.ToString(), quantity, attempt, position);
            _pendingSends.Add((leg, order));
            await SendPendingAsync();
            while (!order.IsTerminal && await _events.Reader.WaitToReadAsync(timeout))
                while (_events.Reader.TryRead(out var e)) await HandleAsync(e, timeout);
            await CatchUpAsync(leg, timeout); // every fill of the IOC is in the figures before the next one is sized
            await FlushOrdersAsync(); // and its end in the journal: the stop writes no orders after this
        }
    }
}
