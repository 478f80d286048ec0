using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Paper;

// Order entry: validation, funds, matching, settlement. Called with _gate held.
public sealed partial class PaperExchange
{
    private PlaceOrderResult PlaceLocked(string accountName, PlaceOrderRequest request, bool endsOnSelfTrade)
    {
        if (!_markets.TryGetValue(request.Symbol, out var market))
            return PlaceOrderResult.Rejected(RejectCode.UnknownSymbol, $"unknown symbol {request.Symbol}");
        var spec = market.Spec;
        if (Validate(spec, request) is { } invalid) return invalid;
        if (request.ClientOrderId is { Length: > 0 } cid && _byClientId.ContainsKey((accountName, cid)))
            return PlaceOrderResult.Rejected(RejectCode.DuplicateClientOrderId, $"client order id {cid} already used");

        var account = Account(accountName);
        var now = _time.GetUtcNow();
        var quantity = request.Quantity;
        decimal? fillLimit = null;
        if (request.ReduceOnly)
        {
            if (spec.Kind != InstrumentKind.Perpetual) return PlaceOrderResult.Rejected(RejectCode.ReduceOnlyWouldIncrease, "reduce-only is for perpetuals");
            var position = account.Position(spec.Symbol).Quantity;
            if (position == 0 || Math.Sign(position) == request.Side.Sign())
                return PlaceOrderResult.Rejected(RejectCode.ReduceOnlyWouldIncrease, "reduce-only order would increase the position");
            quantity = Math.Min(quantity, Math.Abs(position));
        }

        var order = new PaperOrder
        {
            Id = _nextOrderId++,
            Account = accountName,
            ClientOrderId = string.IsNullOrEmpty(request.ClientOrderId) ? null : request.ClientOrderId,
            Symbol = spec.Symbol,
            Side = request.Side,
            Type = request.Type,
            TimeInForce = request.TimeInForce,
            Price = request.Type == OrderType.Limit ? request.Price : null,
            Quantity = quantity,
            PostOnly = request.PostOnly,
            ReduceOnly = request.ReduceOnly,
            EndsOnSelfTrade = endsOnSelfTrade,
            CreatedAt = now,
            UpdatedAt = now,
            Sequence = _nextSequence++,
        };

        if (!request.ReduceOnly && Reserve(account, market, order, ref fillLimit) is { } refused) return refused;

        var result = market.Engine.Submit(order, now, fillLimit);
        if (result.Outcome == SubmitOutcome.PostOnlyWouldTake)
        {
            ReleaseLock(account, order, order.Remaining);
            return PlaceOrderResult.Rejected(RejectCode.PostOnlyWouldTake, "order would immediately match and take");
        }

        Remember(order);
        Settle(market, result, now);
        if (!order.IsOpen)
        {
            ReleaseLock(account, order, order.Remaining);
            Retire(order);
        }
        _dirty = true;
        PublishOrder(order);
        return PlaceOrderResult.Accepted(order.ToVenueOrder());
    }

    private static PlaceOrderResult? Validate(InstrumentSpec spec, PlaceOrderRequest request)
    {
        if (request.Quantity <= 0 || !spec.IsOnStep(request.Quantity) || request.Quantity < spec.MinQuantity)
            return PlaceOrderResult.Rejected(RejectCode.InvalidQuantity, $"quantity {request.Quantity} must be a positive multiple of {spec.StepSize} and at least {spec.MinQuantity}");
        if (request.Type == OrderType.Limit)
        {
            if (request.Price is not { } price || price <= 0 || !spec.IsOnTick(price))
                return PlaceOrderResult.Rejected(RejectCode.InvalidPrice, $"limit price {request.Price} must be a positive multiple of {spec.TickSize}");
            if (price * request.Quantity < spec.MinNotional)
                return PlaceOrderResult.Rejected(RejectCode.InvalidQuantity, $"notional {price * request.Quantity} below the minimum {spec.MinNotional}");
        }
        else if (request.PostOnly)
        {
            return PlaceOrderResult.Rejected(RejectCode.Other, "a market order cannot be post-only");
        }
        return null;
    }

    /// <summary>Locks what a limit order may spend; caps what a market order may take. Null when funds suffice.</summary>
    private PlaceOrderResult? Reserve(PaperAccount account, PaperMarket market, PaperOrder order, ref decimal? fillLimit)
    {
        if (account.Name == MarketAccount) return null;
        var spec = market.Spec;
        var feeRate = Math.Max(_settings.MakerFeeRate, _settings.TakerFeeRate);
        if (spec.Kind == InstrumentKind.Spot && order.Side == Side.Sell)
        {
            order.LockAsset = spec.BaseAsset;
            order.LockPerUnit = 1m;
        }
        else if (order.Type == OrderType.Market && spec.Kind == InstrumentKind.Spot)
        {
            // A market buy takes what the available quote pays for, fees included.
            var affordable = spec.RoundQuantity(market.Engine.AffordableQuantity(Side.Buy, account.Balance(spec.QuoteAsset).Available, _settings.TakerFeeRate));
            if (affordable <= 0) return PlaceOrderResult.Rejected(RejectCode.InsufficientFunds, $"no {spec.QuoteAsset} available");
            fillLimit = Math.Min(order.Quantity, affordable);
            return null;
        }
        else
        {
            var price = order.Price ?? (order.Side == Side.Buy ? market.Engine.BestAsk : market.Engine.BestBid) ?? market.Mid;
            order.LockAsset = spec.QuoteAsset;
            order.LockPerUnit = spec.Kind == InstrumentKind.Spot ? price * (1 + feeRate) : price * (1m / _settings.Leverage + feeRate);
        }

        var need = order.LockPerUnit * order.Quantity;
        var available = account.Balance(order.LockAsset).Available - PositionMargin(account).GetValueOrDefault(order.LockAsset);
        if (need > available)
            return PlaceOrderResult.Rejected(RejectCode.InsufficientFunds, $"needs {need} {order.LockAsset}, {available} available");
        account.Balance(order.LockAsset).Locked += need;
        return null;
    }

    private static void ReleaseLock(PaperAccount account, PaperOrder order, decimal quantity)
    {
        if (order.LockAsset is null || quantity <= 0) return;
        var balance = account.Balance(order.LockAsset);
        balance.Locked = Math.Max(0m, balance.Locked - order.LockPerUnit * quantity);
    }

    private void CancelLocked(PaperOrder order)
    {
        var now = _time.GetUtcNow();
        if (_markets[order.Symbol].Engine.Cancel(order.Id, now) is null) return;
        ReleaseLock(Account(order.Account), order, order.Remaining);
        Retire(order);
        _dirty = true;
        PublishOrder(order);
    }

    /// <summary>Books every execution of one submission to both accounts and tells their streams.</summary>
    private void Settle(PaperMarket market, SubmitResult result, DateTimeOffset now)
    {
        foreach (var cancelled in result.SelfTradeCancelled)
        {
            ReleaseLock(Account(cancelled.Account), cancelled, cancelled.Remaining);
            Retire(cancelled);
            PublishOrder(cancelled);
        }
        foreach (var execution in result.Executions)
        {
            var tradeId = NextTradeId();
            RecordTrade(market, execution.Price, execution.Quantity, now);
            Book(market, execution.Maker, execution, tradeId, isMaker: true, now);
            Book(market, execution.Taker, execution, tradeId, isMaker: false, now);
            if (execution.Maker.Account != MarketAccount)
            {
                if (!execution.Maker.IsOpen) Retire(execution.Maker);
                PublishOrder(execution.Maker);
            }
        }
    }

    private void Book(PaperMarket market, PaperOrder order, Execution execution, string tradeId, bool isMaker, DateTimeOffset now)
    {
        if (order.Account == MarketAccount) return;
        var spec = market.Spec;
        var account = Account(order.Account);
        var notional = execution.Price * execution.Quantity;
        var fee = Math.Round(notional * (isMaker ? _settings.MakerFeeRate : _settings.TakerFeeRate), 8, MidpointRounding.AwayFromZero);
        ReleaseLock(account, order, execution.Quantity);
        var quote = account.Balance(spec.QuoteAsset);
        if (spec.Kind == InstrumentKind.Spot)
        {
            var baseBalance = account.Balance(spec.BaseAsset);
            if (order.Side == Side.Buy) { quote.Total -= notional + fee; baseBalance.Total += execution.Quantity; }
            else { baseBalance.Total -= execution.Quantity; quote.Total += notional - fee; }
        }
        else
        {
            quote.Total += ApplyToPosition(account.Position(spec.Symbol), order.Side, execution.Price, execution.Quantity) - fee;
        }

        var fill = new VenueFill(tradeId, order.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), order.ClientOrderId, spec.Symbol,
            order.Side, execution.Price, execution.Quantity, fee, spec.QuoteAsset, isMaker, now);
        RecordFill(order.Account, fill);
        PublishFill(order.Account, fill);
        _dirty = true;
    }

    /// <summary>
    /// Moves a perp position by one fill; returns the PnL it realized, in the collateral's 8 decimals as a venue settles it
    /// (the average entry keeps its full precision: from it a close realized 24-decimal amounts into the balance).
    /// </summary>
    internal static decimal ApplyToPosition(PaperPosition position, Side side, decimal price, decimal quantity)
    {
        var signed = side.Sign() * quantity;
        if (position.Quantity == 0 || Math.Sign(position.Quantity) == Math.Sign(signed))
        {
            var size = Math.Abs(position.Quantity);
            position.EntryPrice = (size * position.EntryPrice + quantity * price) / (size + quantity);
            position.Quantity += signed;
            return 0m;
        }
        var closing = Math.Min(quantity, Math.Abs(position.Quantity));
        var realized = Math.Round(closing * (price - position.EntryPrice) * Math.Sign(position.Quantity), 8, MidpointRounding.ToEven);
        position.RealizedPnl += realized;
        position.Quantity += signed;
        if (position.Quantity == 0) position.EntryPrice = 0;
        else if (quantity > closing) position.EntryPrice = price; // flipped: the rest opened at this price
        return realized;
    }
}
