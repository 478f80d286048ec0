using System.Collections.Concurrent;
using Mmd.Trading.Execution;

namespace Mmd.Exchanges.Tests.Conformance;

/// <summary>Reads an account stream in the background and keeps everything it delivers.</summary>
public sealed class AccountRecorder : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    public AccountRecorder(IExchangeConnector connector, string symbol)
    {
        StartedAt = DateTimeOffset.UtcNow;
        var stream = connector.StreamAccountAsync(symbol, _stop.Token);
        _reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in stream) Events.Enqueue(e);
            }
            catch (OperationCanceledException) { }
            catch (Exception ex)
            {
                Failure = ex;
            }
        });
    }

    public ConcurrentQueue<AccountEvent> Events { get; } = new();

    /// <summary>When the recorder asked for the stream: a subscription the venue took after this is its own.</summary>
    public DateTimeOffset StartedAt { get; }

    public Exception? Failure { get; private set; }

    public IReadOnlyList<VenueFill> Fills => Events.OfType<FillEvent>().Select(f => f.Fill).ToList();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading;
        _stop.Dispose();
    }
}
