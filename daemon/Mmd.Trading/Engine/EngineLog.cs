using Microsoft.Extensions.Logging;

namespace Mmd.Trading.Engine;

internal static partial class EngineLog
{
    [LoggerMessage(1000, LogLevel.Information, "{Instance}: reconciled at start: {Journal} journal orders open, {Adopted} adopted, {Settled} settled, {Stray} stray cancelled, {Resent} interrupted cancels sent again, {Recovered} fills recovered, {Fills} journal fills replayed after a checkpoint of {Checkpointed}")]
    public static partial void Reconciled(ILogger logger, string instance, int journal, int adopted, int settled, int stray, int resent, int recovered, int fills, long checkpointed);

    [LoggerMessage(1001, LogLevel.Information, "{Instance}: quoting {Symbol} on {Venue}")]
    public static partial void Quoting(ILogger logger, string instance, string symbol, string venue);

    [LoggerMessage(1002, LogLevel.Information, "{Instance}: fill {Side} {Quantity} @ {Price} ({Liquidity}) fee {Fee} {FeeAsset} order {ClientOrderId} trade {TradeId}")]
    public static partial void Fill(ILogger logger, string instance, string side, decimal quantity, decimal price, string liquidity, decimal fee, string feeAsset, string? clientOrderId, string tradeId);

    [LoggerMessage(1003, LogLevel.Warning, "{Instance}: order {ClientOrderId} rejected: {Reason}")]
    public static partial void Rejected(ILogger logger, string instance, string clientOrderId, string? reason);

    [LoggerMessage(1004, LogLevel.Warning, "{Instance}: risk denied {Side} {Quantity} @ {Price}: {Reason} {Detail} (one line per reason every {Seconds} s at most; {LeftOut} left out since the last)")]
    public static partial void Denied(ILogger logger, string instance, string side, decimal quantity, decimal? price, string reason, string? detail, long leftOut, double seconds);

    [LoggerMessage(1005, LogLevel.Warning, "{Instance}: order {ClientOrderId} outcome unknown ({Reason}); asking the venue")]
    public static partial void Unknown(ILogger logger, string instance, string clientOrderId, string? reason);

    [LoggerMessage(1006, LogLevel.Warning, "{Instance}: {Stream} stream failed, reconnecting in {Delay}: {Error}")]
    public static partial void StreamFailed(ILogger logger, string instance, string stream, TimeSpan delay, string error);

    [LoggerMessage(1007, LogLevel.Warning, "{Instance}: {Stream} gap at sequence {Sequence}; resubscribing for a snapshot")]
    public static partial void BookGap(ILogger logger, string instance, string stream, long sequence);

    [LoggerMessage(1025, LogLevel.Information, "{Instance}: stopping: hedging {Quantity} filled while the quotes were cancelled (attempt {Attempt})")]
    public static partial void HedgingBeforeStop(ILogger logger, string instance, int attempt, decimal quantity);

    [LoggerMessage(1024, LogLevel.Information, "{Instance}: hedging on {Symbol} on {Venue}")]
    public static partial void HedgingOn(ILogger logger, string instance, string symbol, string venue);

    [LoggerMessage(1022, LogLevel.Warning, "{Instance}: account stream down; quotes pulled until it is back (fills would go unseen)")]
    public static partial void AccountStreamDown(ILogger logger, string instance);

    [LoggerMessage(1023, LogLevel.Warning, "{Instance}: operator's whole-symbol cancel on {Symbol}: the venue cancelled {Count} orders; quoting paused")]
    public static partial void CancelledAllOnSymbol(ILogger logger, string instance, string symbol, int count);

    [LoggerMessage(1008, LogLevel.Warning, "{Instance}: market data stale or unsynced; quotes pulled")]
    public static partial void Stale(ILogger logger, string instance);

    [LoggerMessage(1009, LogLevel.Information, "{Instance}: rebalance {Side} {Quantity} @ {Price} (IOC)")]
    public static partial void Rebalance(ILogger logger, string instance, string side, decimal quantity, decimal? price);

    [LoggerMessage(1010, LogLevel.Information, "{Instance}: post-only rejection; retrying {ClientOrderId} one tick further at {Price}")]
    public static partial void PostOnlyRetry(ILogger logger, string instance, string clientOrderId, decimal price);

    [LoggerMessage(1011, LogLevel.Information, "{Instance}: stopping ({Reason}); cancelling own orders")]
    public static partial void Stopping(ILogger logger, string instance, string reason);

    [LoggerMessage(1026, LogLevel.Information, "{Instance}: the stop came while it started; reconciled, quoting nothing")]
    public static partial void StoppedWhileStarting(ILogger logger, string instance);

    [LoggerMessage(1012, LogLevel.Information, "{Instance}: stopped; {Left} own orders left on the venue")]
    public static partial void Stopped(ILogger logger, string instance, int left);

    [LoggerMessage(1013, LogLevel.Error, "{Instance}: kill switch tripped: {Reason}; quotes pulled, no new exposure (hedges and closes of the position still go out)")]
    public static partial void KillSwitch(ILogger logger, string instance, string? reason);

    [LoggerMessage(1045, LogLevel.Error, "{Instance}: daily loss limit: {Reason}; quotes pulled, no new exposure (hedges and closes of the position still go out)")]
    public static partial void DailyLossHalt(ILogger logger, string instance, string reason);

    [LoggerMessage(1046, LogLevel.Information, "{Instance}: a new UTC day: the daily loss limit's halt is over, quoting again")]
    public static partial void DailyLossHaltOver(ILogger logger, string instance);

    [LoggerMessage(1033, LogLevel.Error, "{Instance}: the kill switch an earlier run tripped holds ({Reason}): quotes stay pulled until an operator starts the instance again (mmctl restart)")]
    public static partial void KillSwitchKept(ILogger logger, string instance, string reason);

    [LoggerMessage(1014, LogLevel.Warning, "{Instance}: account stream asked for a resync ({Reason}); re-reading orders and fills")]
    public static partial void Resync(ILogger logger, string instance, string reason);

    [LoggerMessage(1047, LogLevel.Critical, "{Instance}: fault: the run ends; cancelling every own order first")]
    public static partial void Faulted(ILogger logger, string instance, Exception fault);

    [LoggerMessage(1048, LogLevel.Critical, "{Instance}: after the fault, the venue lists none of its orders: every one cancelled")]
    public static partial void FaultCancelled(ILogger logger, string instance);

    [LoggerMessage(1049, LogLevel.Critical, "{Instance}: after the fault, its orders could not be confirmed cancelled ({Left} still listed; -1: the venue did not answer)")]
    public static partial void FaultOrdersLeft(ILogger logger, string instance, int left);

    [LoggerMessage(1015, LogLevel.Error, "{Instance}: engine step failed: {Error}")]
    public static partial void StepFailed(ILogger logger, string instance, string error);

    [LoggerMessage(1016, LogLevel.Information, "{Instance}: flatten: {Side} {Quantity} at market (IOC), attempt {Attempt}; position {Position}")]
    public static partial void Flattening(ILogger logger, string instance, string side, decimal quantity, int attempt, decimal position);

    [LoggerMessage(1017, LogLevel.Warning, "{Instance}: flatten stopped with position {Position}: {Why}")]
    public static partial void FlattenLeft(ILogger logger, string instance, decimal position, string why);

    [LoggerMessage(1018, LogLevel.Warning, "{Instance}: the strategy ends the run: {Reason} (flatten: {Flatten})")]
    public static partial void StrategyStop(ILogger logger, string instance, string reason, bool flatten);

    [LoggerMessage(1019, LogLevel.Information, "{Instance}: operator command {Command} applied")]
    public static partial void CommandApplied(ILogger logger, string instance, string command);

    [LoggerMessage(1020, LogLevel.Warning, "{Instance}: operator command {Command} refused: {Why}")]
    public static partial void CommandRefused(ILogger logger, string instance, string command, string why);

    [LoggerMessage(1034, LogLevel.Warning, "{Instance}: order {ClientOrderId} ({Side} {Quantity} @ {Price}) rests on the venue but is not one this run is working (a request given up as never received that arrived late, or an order of an earlier run); cancelling it")]
    public static partial void StrayCancelling(ILogger logger, string instance, string clientOrderId, string side, decimal quantity, decimal? price);

    [LoggerMessage(1035, LogLevel.Warning, "{Instance}: cancelling stray order {ClientOrderId} failed ({Reason}); trying again at the next housekeeping tick")]
    public static partial void StrayCancelFailed(ILogger logger, string instance, string clientOrderId, string? reason);

    [LoggerMessage(1021, LogLevel.Warning, "{Instance}: order {ClientOrderId} reported {Filled} filled but the venue lists fills for {Seen} only; no longer waiting for the rest")]
    public static partial void FillsMissing(ILogger logger, string instance, string clientOrderId, decimal filled, decimal seen);

    [LoggerMessage(1036, LogLevel.Information, "{Instance}: journal pruned: {Deleted} ended orders and stats snapshots from before {Before:u} (fills are kept)")]
    public static partial void JournalPruned(ILogger logger, string instance, int deleted, DateTimeOffset before);

    [LoggerMessage(1037, LogLevel.Warning, "{Instance}: risk denied {LeftOut} more orders for {Reason} in the {Seconds:0.#} s after the last line")]
    public static partial void DeniedLeftOut(ILogger logger, string instance, string reason, long leftOut, double seconds);

    [LoggerMessage(1050, LogLevel.Warning, "{Instance}: the venue refused a {Side} quote; no new {Side} quote for {Seconds:0} s")]
    public static partial void QuotesHeld(ILogger logger, string instance, string side, double seconds);

    [LoggerMessage(1051, LogLevel.Warning, "{Instance}: the venue listed {Count} fills of ours that had not reached us (asked after it refused a reduce-only order); applied")]
    public static partial void FillsCaughtUp(ILogger logger, string instance, int count);

    [LoggerMessage(1052, LogLevel.Warning, "{Instance}: the venue refused a {Side} reduction; no new {Side} reduction for {Seconds:0} s")]
    public static partial void ReductionsHeld(ILogger logger, string instance, string side, double seconds);

    [LoggerMessage(1054, LogLevel.Warning, "{Instance}: the venue refused the rebalance; no new rebalance for {Seconds:0} s")]
    public static partial void RebalancesHeld(ILogger logger, string instance, double seconds);

    [LoggerMessage(1053, LogLevel.Information, "{Instance}: {Purpose} {Side} {Quantity} waits for our own orders in its way to leave the book (no trade with ourselves){More}")]
    public static partial void TakerHeld(ILogger logger, string instance, string purpose, string side, decimal quantity, string more);
}
