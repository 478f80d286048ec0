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
    /// IOC market orders against the position until it is below the venue's minimum, at most three, each one
    /// waited for (its fills recorded) before the next is sized. Runs while the streams are still up.
    /// </summary>
    private async Task FlattenAsync(CancellationToken timeout)
    {
        for (var attempt = 1; ; attempt++)
        {
            var position = _cumulative.Position;
            var side = position > 0 ? Side.Sell : Side.Buy;
            var quantity = _instrument.RoundQuantity(Math.Abs(position));
            if (_book.Mid is not { } mid)
            {
                EngineLog.FlattenLeft(_logger, _options.InstanceName, position, "no market data to value the order");
                return;
            }
            if (!_instrument.MeetsMinimums(mid, quantity))
            {
                if (position != 0) EngineLog.FlattenLeft(_logger, _options.InstanceName, position, "below the venue's minimum order");
                return;
            }
            if (attempt > MaxFlattenAttempts)
            {
                EngineLog.FlattenLeft(_logger, _options.InstanceName, position, $"still open after {MaxFlattenAttempts} attempts");
                return;
            }
            var order = NewOrder(side, OrderType.Market, TimeInForce.Ioc, null, quantity, OrderPurpose.Flatten, -1,
                postOnly: false, reduceOnly: _instrument.Kind == InstrumentKind.Perpetual);
            if (!TryAdmit(order))
            {
                EngineLog.FlattenLeft(_logger, _options.InstanceName, position, "the risk limits denied the order");
                return;
            }
            EngineLog.Flattening(_logger, _options.InstanceName, side.ToString(), quantity, attempt, position);
            _pendingSends.Add(order);
            await SendPendingAsync(timeout);
            while (!order.IsTerminal && await _events.Reader.WaitToReadAsync(timeout))
                while (_events.Reader.TryRead(out var e)) await HandleAsync(e, timeout);
            await CatchUpAsync(timeout); // every fill of the IOC is in the figures before the next one is sized
        }
    }
}
