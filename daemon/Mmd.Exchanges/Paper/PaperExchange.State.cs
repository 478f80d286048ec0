namespace Mmd.Exchanges.Paper;

// Persistence of the venue: what a real exchange would still know after our process died.
public sealed partial class PaperExchange
{
    private void Persist(bool force = false)
    {
        if (_store is null || (!_dirty && !force)) return;
        _store.Save(Capture());
        _dirty = false;
    }

    private PaperState Capture() => new()
    {
        RngState = _rng.State,
        NextOrderId = _nextOrderId,
        NextTradeId = _nextTradeId,
        NextSequence = _nextSequence,
        Mids = _markets.ToDictionary(m => m.Key, m => m.Value.Mid),
        Balances = _accounts.ToDictionary(a => a.Key, a => a.Value.Balances.ToDictionary(b => b.Key, b => new BalanceState(b.Value.Total, b.Value.Locked))),
        Positions = _accounts.ToDictionary(a => a.Key, a => a.Value.Positions.ToDictionary(p => p.Key, p => new PositionState(p.Value.Quantity, p.Value.EntryPrice, p.Value.RealizedPnl))),
        Orders = _orders.Values.OrderBy(o => o.Sequence).Select(o => new OrderState(o.Id, o.Account, o.ClientOrderId, o.Symbol, o.Side, o.Type, o.TimeInForce,
            o.Price, o.Quantity, o.Filled, o.Status, o.PostOnly, o.ReduceOnly, o.CreatedAt, o.UpdatedAt, o.Sequence, o.LockPerUnit, o.LockAsset)).ToList(),
        Fills = _fills.ToDictionary(f => f.Key, f => f.Value.ToList()),
        Funding = _funding.ToDictionary(f => f.Key, f => f.Value.ToList()),
        NextFundingAt = _nextFundingAt,
    };

    private void Restore(PaperState state)
    {
        _rng = new SplitMix64(state.RngState);
        _nextOrderId = state.NextOrderId;
        _nextTradeId = state.NextTradeId;
        _nextSequence = state.NextSequence;
        foreach (var (symbol, mid) in state.Mids)
            if (_markets.TryGetValue(symbol, out var market)) market.Mid = mid;
        foreach (var (name, balances) in state.Balances)
        {
            var account = new PaperAccount(name);
            foreach (var (asset, b) in balances) { var balance = account.Balance(asset); balance.Total = b.Total; balance.Locked = b.Locked; }
            if (state.Positions.TryGetValue(name, out var positions))
                foreach (var (symbol, p) in positions) { var position = account.Position(symbol); position.Quantity = p.Quantity; position.EntryPrice = p.EntryPrice; position.RealizedPnl = p.RealizedPnl; }
            _accounts[name] = account;
        }
        foreach (var o in state.Orders)
        {
            var order = new PaperOrder
            {
                Id = o.Id, Account = o.Account, ClientOrderId = o.ClientOrderId, Symbol = o.Symbol, Side = o.Side, Type = o.Type,
                TimeInForce = o.TimeInForce, Price = o.Price, Quantity = o.Quantity, PostOnly = o.PostOnly, ReduceOnly = o.ReduceOnly,
                CreatedAt = o.CreatedAt, Sequence = o.Sequence,
                Filled = o.Filled, Status = o.Status, UpdatedAt = o.UpdatedAt, LockPerUnit = o.LockPerUnit, LockAsset = o.LockAsset,
            };
            Remember(order);
            if (order.IsOpen) _markets[order.Symbol].Engine.Restore(order);
            else _terminalOrders.Enqueue(order.Id);
        }
        foreach (var (account, fills) in state.Fills) _fills[account] = fills.ToList();
        foreach (var (account, payments) in state.Funding) _funding[account] = payments.ToList();
        if (state.NextFundingAt is { } next) _nextFundingAt = next;
    }
}
