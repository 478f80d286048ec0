using Microsoft.Extensions.Logging;

namespace Mmd.Worker;

internal static partial class RunLog
{
    [LoggerMessage(2000, LogLevel.Information, "{Instance}: {Venue} {Symbol}, journal {Database}, run {RunId}")]
    public static partial void Started(ILogger logger, string instance, string venue, string symbol, string database, long runId);

    [LoggerMessage(2001, LogLevel.Information, "{Summary}")]
    public static partial void Summary(ILogger logger, string summary);

    [LoggerMessage(2002, LogLevel.Information, "{Report}")]
    public static partial void Report(ILogger logger, string report);

    [LoggerMessage(2003, LogLevel.Error, "{Instance}: could not confirm that no own order is left on {Venue}")]
    public static partial void OrdersLeft(ILogger logger, string instance, string venue);

    [LoggerMessage(2004, LogLevel.Error, "{Instance}: FAILED, not quoting: {Reason}")]
    public static partial void ReconciliationFailed(ILogger logger, string instance, string reason);

    [LoggerMessage(2005, LogLevel.Critical, "{Instance}: failed")]
    public static partial void Crashed(ILogger logger, Exception exception, string instance);

    [LoggerMessage(2006, LogLevel.Information, "{Instance}: request limits on {Venue}: {Share}")]
    public static partial void RequestShare(ILogger logger, string instance, string venue, string share);

    [LoggerMessage(2007, LogLevel.Warning, "{Instance}: no request to {Venue} for {Seconds:0.###} s: the venue asked another instance on it to wait")]
    public static partial void RequestsHeld(ILogger logger, string instance, string venue, double seconds);

    [LoggerMessage(2008, LogLevel.Error, "{Instance}: could not record the run's end in the journal: {Error}")]
    public static partial void EndNotRecorded(ILogger logger, string instance, string error);

    [LoggerMessage(2009, LogLevel.Warning, "{Instance}: without its journal, cancelled every own order left on the venue ({Count} cancelled, none listed now)")]
    public static partial void LeftOrdersCancelled(ILogger logger, string instance, int count);

    [LoggerMessage(2010, LogLevel.Error, "{Instance}: without its journal, could not cancel the own orders left on the venue: {Error}")]
    public static partial void LeftOrdersNotCancelled(ILogger logger, string instance, string error);

    [LoggerMessage(2011, LogLevel.Error, "{Instance}: not started: {Reason}")]
    public static partial void AlreadyRunning(ILogger logger, string instance, string reason);
}
