using System.Globalization;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Paper;

// Perpetual funding: at every settlement each open perp position pays (or receives) rate x notional at the mid.
public sealed partial class PaperExchange
{
    private const int FundingKept = 1000;
    private long _nextFundingId = 1;

    /// <summary>The account's funding settlements on <paramref name="symbol"/> at or after <paramref name="since"/>, oldest first.</summary>
    public IReadOnlyList<FundingPayment> Funding(string account, string symbol, DateTimeOffset since)
    {
        lock (_gate)
            return _funding.TryGetValue(account, out var list) ? list.Where(p => p.Symbol == symbol && p.Time >= since).ToList() : [];
    }

    /// <summary>
    /// The rate of each settlement on <paramref name="symbol"/> at or after <paramref name="since"/> that some account
    /// paid, oldest first: the market's funding-rate history as far as this venue's accounts saw it.
    /// </summary>
    public IReadOnlyList<(DateTimeOffset Time, decimal Rate)> FundingRates(string symbol, DateTimeOffset since)
    {
        lock (_gate)
            return _funding.Values.SelectMany(l => l).Where(p => p.Symbol == symbol && p.Time >= since)
                .Select(p => (p.Time, p.Rate)).Distinct().OrderBy(p => p.Time).ToList();
    }

    /// <summary>
    /// Runs every settlement that is due (under the lock). The tick runs it first, and so does anything that can fill an
    /// order before the next tick (a placement, a scripted move of the mid): a settlement is stamped at its due time, so it
    /// must be paid on the position held then, not on one a later fill made.
    /// </summary>
    private void SettleFunding(DateTimeOffset now)
    {
        while (now >= _nextFundingAt)
        {
            var at = _nextFundingAt;
            _nextFundingAt += _settings.FundingInterval;
            var rate = _settings.FundingRatePct / 100m;
            foreach (var account in _accounts.Values)
            {
                foreach (var (symbol, position) in account.Positions)
                {
                    if (position.Quantity == 0 || !_markets.TryGetValue(symbol, out var market) || market.Spec.Kind != InstrumentKind.Perpetual) continue;
                    var amount = Math.Round(-position.Quantity * market.Mid * rate, 8, MidpointRounding.AwayFromZero);
                    account.Balance(market.Spec.QuoteAsset).Total += amount;
                    var id = "funding-" + at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) + "-" + (_nextFundingId++).ToString(CultureInfo.InvariantCulture);
                    var payment = new FundingPayment(id, symbol, at, rate, market.Mid, position.Quantity, amount);
                    AddHistory(new HistoryRecord(Account: account.Name, Funding: payment));
                    KeepFunding(account.Name, payment);
                    _dirty = true;
                }
            }
        }
    }

    private void KeepFunding(string account, FundingPayment payment)
    {
        if (!_funding.TryGetValue(account, out var list)) _funding[account] = list = [];
        list.Add(payment);
        if (list.Count > FundingKept) list.RemoveAt(0);
    }
}
