using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Trading.Engine;

// Perpetual funding: the venue's settlements, each counted once, at the share the instance's own position had then.
public sealed partial class InstanceEngine
{
    private static readonly TimeSpan FundingPollPeriod = TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, DateTimeOffset> _fundingSeen = new(StringComparer.Ordinal);
    private DateTimeOffset _fundingSince;
    private DateTimeOffset _nextFundingPoll;

    private bool TracksFunding => _primary.Instrument.Kind == InstrumentKind.Perpetual && _primary.Connector.Capabilities.HasFlag(ConnectorCapabilities.FundingHistory);

    /// <summary>At start: from the instance's first fill (it had no position before), so the cumulative figure is whole.</summary>
    private void StartFunding() => _fundingSince = _primary.Cumulative.FirstFillTime ?? _sessionStart;

    private async Task PollFundingAsync(CancellationToken cancellationToken, bool force = false)
    {
        var now = _time.GetUtcNow();
        if (!TracksFunding || (!force && now < _nextFundingPoll)) return;
        _nextFundingPoll = now + FundingPollPeriod;
        IReadOnlyList<FundingPayment> payments;
        try { payments = await _primary.Connector.GetFundingPaymentsAsync(_primary.Symbol, _fundingSince, cancellationToken); }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            EngineLog.StepFailed(_logger, _options.InstanceName, $"funding history: {ex.Message}");
            return;
        }
        foreach (var payment in payments)
        {
            if (!_fundingSeen.TryAdd(payment.Id, payment.Time)) continue;
            // The account's payment is shared by every instance on it: this one's is what its own position paid.
            var own = payment.AmountFor(_primary.Cumulative.PositionAt(payment.Time));
            _primary.Cumulative.ApplyFunding(own);
            if (payment.Time >= _sessionStart) _primary.Session.ApplyFunding(own);
            if (payment.Time > _fundingSince) _fundingSince = payment.Time;
        }
        // The next poll asks from the latest settlement on (inclusive): older ids and positions are no longer needed.
        foreach (var old in _fundingSeen.Where(kv => kv.Value < _fundingSince).Select(kv => kv.Key).ToList()) _fundingSeen.Remove(old);
        _primary.Cumulative.ForgetPositionsBefore(_fundingSince);
        _primary.Session.ForgetPositionsBefore(_fundingSince);
    }
}
