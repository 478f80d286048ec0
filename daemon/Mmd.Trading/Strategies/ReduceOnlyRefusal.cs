namespace Mmd.Trading.Strategies;

/// <summary>
/// What a strategy does after the venue refused one of its reduce-only orders (a hedge, a reduction, a close) as one
/// that would increase the position. Venues judge reduce-only by the account's position, the strategy by the instance's
/// own fills. The refusal is first taken for a fill of ours still on its way, which would explain it: nothing is sent
/// until the engine has asked the venue for our fills (<see cref="IStrategy.OnFillsConfirmed"/>; a fill it lists that
/// had not reached us is applied first, and explains the refusal), or for at most <see cref="AnswerWait"/> when the
/// venue does not answer. When no fill explains it, the account holds another's opposite position and no reduce-only
/// order can pass: for <see cref="PlainSpell"/> the strategy's reduce-only orders go as plain ones, which bring the
/// instance's own position back (the seed retried its closes the same way), then reduce-only is tried again.
/// </summary>
public sealed class ReduceOnlyRefusal
{
    /// <summary>How long to wait for the venue's list of our fills before going plain without it.</summary>
    public static readonly TimeSpan AnswerWait = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan PlainSpell = TimeSpan.FromMinutes(1);

    private bool _inDoubt;
    private bool _confirmed;
    private DateTimeOffset? _doubtedAt;
    private DateTimeOffset? _plainUntil;

    /// <summary>The venue refused a reduce-only order of ours as increasing the position.</summary>
    public void Refused()
    {
        _inDoubt = true;
        _confirmed = false;
        _doubtedAt = null;
    }

    /// <summary>A fill of ours came in: the position seen now is the one the venue had.</summary>
    public void Explained() => _inDoubt = _confirmed = false;

    /// <summary>The venue listed our fills since the refusal, and none was missing here: nothing explains it.</summary>
    public void Confirmed() => _confirmed = _inDoubt;

    /// <summary>
    /// Whether to send nothing yet (a fill may still explain the refusal); the first call after a refusal starts the
    /// wait for the venue's answer. <paramref name="wentPlain"/> is true on the call that ends it unexplained, for the
    /// strategy to say so.
    /// </summary>
    public bool Waiting(DateTimeOffset now, out bool wentPlain)
    {
        wentPlain = false;
        if (!_inDoubt) return false;
        if (!_confirmed && now - (_doubtedAt ??= now) < AnswerWait) return true;
        _inDoubt = _confirmed = false;
        _plainUntil = now + PlainSpell;
        wentPlain = true;
        return false;
    }

    /// <summary>Whether an order the strategy would send reduce-only goes without it now.</summary>
    public bool Plain(DateTimeOffset now) => now < _plainUntil;
}
