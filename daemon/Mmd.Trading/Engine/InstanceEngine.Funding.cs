using Mmd.Trading.Execution;

namespace Mmd.Trading.Engine;

// Perpetual funding: the venue's settlements, each counted once, at the share the instance's own position had then. Each
// perpetual market of the instance (a cross-market hedge's hedge market too) pays or earns its own.
public sealed partial class InstanceEngine
{
    private static readonly TimeSpan FundingPollPeriod = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long after a settlement a venue may still list it. Asked every minute, it lists one within moments; one not
    /// listed a day on is not coming (the instance was flat then: nothing to count), so the poll, and the position
    /// history funding is paid on, need not reach back further, whatever the last settlement counted.
    /// </summary>
    private static readonly TimeSpan FundingListingGrace = TimeSpan.FromDays(1);
    private DateTimeOffset _nextFundingPoll;

    /// <summary>
    /// At start: from where the checkpoint's funding state left off, or else from each market's first fill (it had no
    /// position before), so the cumulative figure is whole.
    /// </summary>
    private void StartFunding()
    {
        foreach (var leg in Legs.Where(l => l.FundingSince == default)) leg.FundingSince = leg.Cumulative.FirstFillTime ?? _sessionStart;
    }

    /// <summary>At start and at stop: every perpetual market's settlements, read before going on.</summary>
    private async Task PollFundingNowAsync(CancellationToken cancellationToken)
    {
        _nextFundingPoll = _time.GetUtcNow() + FundingPollPeriod;
        foreach (var leg in Legs.Where(l => l.TracksFunding)) await PollFundingAsync(leg, cancellationToken);
    }

    /// <summary>
    /// While running, once a minute: each market's settlements are read off the loop (a venue may pace reads to seconds
    /// apart) and counted when the answer comes (<see cref="FundingListed"/>).
    /// </summary>
    private void PollFundingWhenDue(DateTimeOffset now)
    {
        if (now < _nextFundingPoll) return;
        _nextFundingPoll = now + FundingPollPeriod;
        foreach (var leg in Legs.Where(l => l.TracksFunding && !l.FundingReadInFlight))
        {
            leg.FundingReadInFlight = true;
            ReadOffTheLoop(async ct => new FundingListed(leg, await leg.Connector.GetFundingPaymentsAsync(leg.Symbol, leg.FundingSince, ct), null),
                error => new FundingListed(leg, null, error));
        }
    }

    private void OnFundingListed(FundingListed listed)
    {
        listed.Leg.FundingReadInFlight = false;
        if (listed.Error is null) CountFunding(listed.Leg, listed.Payments!);
        else if (listed.Error is not OperationCanceledException) // dropped by the stop, which reads its own
            EngineLog.StepFailed(_logger, _options.InstanceName, $"funding history of {listed.Leg.Symbol}: {listed.Error.Message}");
    }

    /// <summary>
    /// The instance's position when the payment was settled. A time known only to the second (Lighter) may fall before or
    /// after a fill of that second: of the positions the instance held in it, the one nearest the position the venue
    /// says it paid on (a lone instance's own; the one at the second's start could charge it more than was paid).
    /// </summary>
    private static decimal OwnPositionAt(MarketLeg leg, FundingPayment payment) =>
        payment is { PaidOnPosition: true, TimeResolution.Ticks: > 0 }
            ? leg.Cumulative.PositionNearest(payment.Position, payment.Time, payment.Time + payment.TimeResolution)
            : leg.Cumulative.PositionAt(payment.Time);

    private async Task PollFundingAsync(MarketLeg leg, CancellationToken cancellationToken)
    {
        IReadOnlyList<FundingPayment> payments;
        try { payments = await leg.Connector.GetFundingPaymentsAsync(leg.Symbol, leg.FundingSince, cancellationToken); }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            EngineLog.StepFailed(_logger, _options.InstanceName, $"funding history of {leg.Symbol}: {ex.Message}");
            return;
        }
        CountFunding(leg, payments);
    }

    private void CountFunding(MarketLeg leg, IReadOnlyList<FundingPayment> payments)
    {
        foreach (var payment in payments)
        {
            if (!leg.FundingSeen.TryAdd(payment.Id, payment.Time)) continue;
            // The account's payment is shared by every instance on it: this one's is what its own position paid.
            var own = payment.ShareOf(OwnPositionAt(leg, payment), leg.Tracker.Owns);
            leg.Cumulative.ApplyFunding(own);
            OwnPartMoved();
            if (payment.Time >= _sessionStart) leg.Session.ApplyFunding(own);
            if (payment.Time > leg.FundingSince) leg.FundingSince = payment.Time;
            leg.CheckpointDue = true;
        }
        // The next poll asks from the latest settlement on (inclusive), or from a day ago if that is later (a perpetual flat
        // at every settlement gets none listed): older ids and positions are no longer needed.
        var floor = _time.GetUtcNow() - FundingListingGrace;
        if (leg.FundingSince < floor)
        {
            leg.FundingSince = floor;
            leg.CheckpointDue = true;
        }
        foreach (var old in leg.FundingSeen.Where(kv => kv.Value < leg.FundingSince).Select(kv => kv.Key).ToList()) leg.FundingSeen.Remove(old);
        leg.Cumulative.ForgetPositionsBefore(leg.FundingSince);
        leg.Session.ForgetPositionsBefore(leg.FundingSince);
    }
}
