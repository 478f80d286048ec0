namespace Mmd.Exchanges.Paper;

// Persistence of the venue: what a real exchange would still know after our process died.
public sealed partial class PaperExchange
{
    /// <summary>Saves what changed (when there is a store), then lets the account events that report it go out.</summary>
    private void Commit(bool force = false)
    {
        if (_store is not null && (_dirty || force || _historyPending.Count > 0))
        {
            _settings.BeforeSave?.Invoke();
            _store.Save(Capture(), _historyPending, KeptHistory);
            _historyPending.Clear();
            _dirty = false;
        }
        DeliverAccountEvents();
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
        Orders = _orders.Values.Where(o => o.IsOpen).OrderBy(o => o.Sequence).Select(o => o.ToState()).ToList(),
        NextFundingAt = _nextFundingAt,
    };

    /// <summary>Everything the venue still keeps of its history, oldest first within each kind.</summary>
    private IEnumerable<HistoryRecord> KeptHistory()
    {
        foreach (var id in _terminalOrders)
            if (_orders.TryGetValue(id, out var order)) yield return new HistoryRecord(Order: order.ToState());
        foreach (var (account, fills) in _fills)
            foreach (var fill in fills) yield return new HistoryRecord(Account: account, Fill: fill);
        foreach (var (account, payments) in _funding)
            foreach (var payment in payments) yield return new HistoryRecord(Account: account, Funding: payment);
    }

    private void Restore(PaperState state, IReadOnlyList<HistoryRecord> history)
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
        // Replayed through the same caps as when it was made.
        foreach (var record in history)
        {
            if (record.Order is { } ended) RestoreOrder(ended);
            else if (record is { Account: { } account, Fill: { } fill }) KeepFill(account, fill);
            else if (record is { Account: { } payee, Funding: { } payment }) KeepFunding(payee, payment);
        }
        foreach (var o in state.Orders) RestoreOrder(o);
        if (state.NextFundingAt is { } next) _nextFundingAt = next;
    }

    /// <summary>History to save with the next commit: only when there is a store, or it would pile up unsaved.</summary>
    private void AddHistory(HistoryRecord record)
    {
        if (_store is not null) _historyPending.Add(record);
    }

    private void RestoreOrder(OrderState state)
    {
        var order = PaperOrder.FromState(state);
        Remember(order);
        if (order.IsOpen) _markets[order.Symbol].Engine.Restore(order);
        else KeepTerminal(order);
    }
}
