using Mmd.Configuration;
using Mmd.Trading.Execution;
using Mmd.Worker;

namespace Mmd.Hosting;

/// <summary>
/// One look at a venue for the reading commands (<c>mmd account</c>, <c>markets</c>, <c>book</c>, <c>deposit-address</c>): connected with the switches off
/// (<see cref="VenueSettings.ForReading"/>), or with no credentials for what the venue publishes, asked, and let go, all
/// within <see cref="Timeout"/>. What went wrong (no credentials, refused, no answer) comes back as a sentence instead of a value.
/// </summary>
public static class VenueSession
{
    /// <summary>How long one venue may take, connecting and answering, before it is reported as not answering.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>Reads the account: the connector connects with the credentials (which it checks) first.</summary>
    public static Task<(T? Value, string? Error)> ReadAsync<T>(string venue, VenueSettings settings, DaemonConfig config, TimeProvider time,
        Func<IExchangeConnector, CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        WithinTimeoutAsync(deadline => VenueFactory.CreateAsync(venue, settings.ForReading(), config, time, deadline), time, read, Timeout, cancellationToken);

    /// <summary>Reads what the venue publishes to anyone (markets, books, candles): no credentials needed, none used.</summary>
    /// <param name="timeout">How long the read may take (default <see cref="Timeout"/>; a long span of candles is read in pages).</param>
    public static Task<(T? Value, string? Error)> ReadPublicAsync<T>(string venue, VenueSettings settings, DaemonConfig config, TimeProvider time,
        Func<IExchangeConnector, CancellationToken, Task<T>> read, CancellationToken cancellationToken, TimeSpan? timeout = null) =>
        WithinTimeoutAsync(_ => Task.FromResult(VenueFactory.CreatePublic(venue, settings.ForReading(), config, time)), time, read, timeout ?? Timeout, cancellationToken);

    private static async Task<(T? Value, string? Error)> WithinTimeoutAsync<T>(Func<CancellationToken, Task<IExchangeConnector>> connect, TimeProvider time,
        Func<IExchangeConnector, CancellationToken, Task<T>> read, TimeSpan within, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(within, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await using var connector = await connect(deadline.Token);
            return (await read(connector, deadline.Token), null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (default, $"the venue did not answer within {within.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (default, ex.Message);
        }
    }
}
