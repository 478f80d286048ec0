using Mmd.Trading.Execution;
using Mmd.Trading.Risk;

namespace Mmd.Trading.Engine;

// An instance given capital (several on one account): the strategy sees of each allotted asset the instance's own part,
// what it was given plus what its fills moved since, not the whole account (see CapitalAllotment).
public sealed partial class InstanceEngine
{
    private CapitalAllotment? _capital;
    private IReadOnlyDictionary<string, Balance> _accountBalances = new Dictionary<string, Balance>();
    private IReadOnlyList<CapitalLine> _capitalLines = [];
    // The account's balances or the instance's figures moved since the view's own balances were worked out.
    private bool _ownBalancesDue;

    /// <summary>The markets of the instance on the quoted market's account: the balances it reads are theirs.</summary>
    private IEnumerable<MarketLeg> AccountLegs => Legs.Where(l => ReferenceEquals(l.Connector, _primary.Connector));

    /// <summary>Before anything is read of the journal or the venue's orders: capital in an asset none of its markets sizes from is a mistake.</summary>
    private void CheckCapital()
    {
        if (_capital?.Mismatch([.. AccountLegs.Select(l => l.Instrument)]) is { } why) throw new ReconciliationFailedException(why);
    }

    /// <summary>The operator's new capital (null: the whole account), from the strategy's next look on.</summary>
    private void SetCapital(CapitalAllotment? capital)
    {
        _capital = capital;
        _ownBalancesDue = capital is not null;
        if (capital is not null) return;
        _view.Balances = _accountBalances;
        _capitalLines = [];
    }

    /// <summary>The account's balances as read; what the strategy sees of them follows at its next look.</summary>
    private void SetAccountBalances(IReadOnlyList<Balance> balances)
    {
        var account = balances.ToDictionary(b => b.Asset, StringComparer.Ordinal);
        _accountBalances = account;
        if (_capital is null) _view.Balances = account;
        else _ownBalancesDue = true;
    }

    /// <summary>A fill or a funding payment moved the instance's part of the account.</summary>
    private void OwnPartMoved() => _ownBalancesDue |= _capital is not null;

    /// <summary>The view's balances cut to the instance's part, when it was given capital and anything moved.</summary>
    private void SetOwnBalances()
    {
        if (_capital is null || !_ownBalancesDue) return;
        _ownBalancesDue = false;
        var flows = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var leg in AccountLegs) leg.Cumulative.AddAccountFlows(flows, leg.Instrument.Kind);
        _capitalLines = _capital.Lines(_accountBalances, flows);
        _view.Balances = CapitalAllotment.Apply(_accountBalances, _capitalLines);
    }
}
