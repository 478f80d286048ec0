namespace Mmd.Trading.Execution;

/// <summary>
/// Lets the engine take a place request back while it waits to leave: at a venue whose request limit is binding, a
/// quote's place can queue for seconds behind others, and by the time it would go the quote has moved. Withdrawn then,
/// it never goes, and neither does the cancel that would have followed it: two requests of the limit saved, and no order
/// rests at a stale price meanwhile.
/// </summary>
/// <remarks>
/// Safe by construction: a withdrawal succeeds only while the connector has said the request is waiting
/// (<see cref="Arm"/>) and before its pacing let it go (<see cref="TryLeave"/>), which it does just before sending. A
/// connector that never arms the handle never lets the engine withdraw; once the request has left, it cannot be
/// withdrawn, and the engine cancels the order as it would any other.
/// </remarks>
public sealed class PlaceWithdrawal : IDisposable
{
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _withdrawn = new();
    private State _state;

    private enum State { Fresh, Waiting, Left, Withdrawn }

    /// <summary>Cancelled when the request is withdrawn: what the connector waits with, so its wait ends at once.</summary>
    public CancellationToken Token => _withdrawn.Token;

    /// <summary>True once the request was taken back: nothing of it was sent, and nothing will be.</summary>
    public bool Withdrawn
    {
        get { lock (_lock) return _state == State.Withdrawn; }
    }

    /// <summary>The connector: the request now waits, nothing of it sent; from here the engine may withdraw it.</summary>
    public void Arm()
    {
        lock (_lock)
            if (_state == State.Fresh) _state = State.Waiting;
    }

    /// <summary>
    /// <see cref="Arm"/>s it and returns what a wait of the request's turn takes: a source cancelled by
    /// <paramref name="cancellationToken"/> or by the withdrawal, whichever comes first.
    /// </summary>
    public CancellationTokenSource ArmedWith(CancellationToken cancellationToken)
    {
        Arm();
        return CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Token);
    }

    /// <summary>
    /// The connector's pacing, as it lets the request go: true, and it can no longer be withdrawn; false when it was
    /// withdrawn first, and must not be sent.
    /// </summary>
    public bool TryLeave()
    {
        lock (_lock)
        {
            if (_state == State.Withdrawn) return false;
            _state = State.Left;
            return true;
        }
    }

    /// <summary>
    /// The engine: takes the request back if it is still waiting. True: it is never sent (the connector's call ends with
    /// a cancellation); false: it has left or was never armed, and whatever it does at the venue stands.
    /// </summary>
    public bool TryWithdraw()
    {
        lock (_lock)
        {
            if (_state != State.Waiting) return _state == State.Withdrawn;
            _state = State.Withdrawn;
        }
        _withdrawn.Cancel(); // outside the lock: the waits it wakes take their own locks
        return true;
    }

    /// <summary>Once the place has been answered: nothing waits on the token any more.</summary>
    public void Dispose() => _withdrawn.Dispose();
}
