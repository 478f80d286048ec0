using Mmd.Trading.Stats;

namespace Mmd.Trading.Engine;

/// <summary>
/// The engine's live latency figures (<see cref="LatencyFigures"/>): its reaction to the quoted market's book, and its
/// venue's answers. Used on the engine's loop only; the request tasks only read the clock.
/// </summary>
internal sealed class LatencyRecorder(TimeProvider time)
{
    // Summaries of a minute's samples are sorted at most once a second: the stats are rebuilt up to ten times a second on
    // the engine's loop, and a figure of the last minute loses nothing by being a second old.
    private static readonly TimeSpan SummaryAge = TimeSpan.FromSeconds(1);
    private readonly LatencyWindow _reaction = new(time), _place = new(time), _cancel = new(time);
    private LatencyFigures? _summary;
    private long _summarizedAt;
    // The oldest book event of the batch being drained, then, while the strategy is asked, the one it reacts to.
    private long? _bookSince, _reactingTo;

    public long Now() => time.GetTimestamp();

    public TimeSpan Since(long timestamp) => time.GetElapsedTime(timestamp);

    /// <summary>A book event of the quoted market, which arrived at <paramref name="arrivedAt"/>, changed the book.</summary>
    public void BookApplied(long arrivedAt)
    {
        if (_bookSince is null || arrivedAt < _bookSince) _bookSince = arrivedAt;
    }

    /// <summary>The batch is drained and the strategy may be asked: a request from now until <see cref="Evaluated"/> reacts to the batch's book.</summary>
    public void Evaluating()
    {
        _reactingTo = _bookSince;
        _bookSince = null;
    }

    /// <summary>A request was handed to the venue client; the first one of an evaluation that reacts to the book is its reaction.</summary>
    public void RequestHanded()
    {
        if (_reactingTo is not { } since) return;
        _reaction.Add(time.GetElapsedTime(since));
        _reactingTo = null;
    }

    public void Evaluated() => _reactingTo = null;

    public void PlaceAnswered(TimeSpan took) => _place.Add(took);

    public void CancelAnswered(TimeSpan took) => _cancel.Add(took);

    public LatencyFigures Summarize()
    {
        if (_summary is null || time.GetElapsedTime(_summarizedAt) >= SummaryAge)
        {
            _summary = new(_reaction.Summarize(), _place.Summarize(), _cancel.Summarize());
            _summarizedAt = time.GetTimestamp();
        }
        return _summary;
    }
}
