using System.Threading.Channels;
using GrpcMM.Protos.V1;

namespace Mmd.Alerts;

/// <summary>
/// One follower of the alerts as they are raised (mmctl alerts -f): a bounded queue, so that a follower that reads too
/// slowly loses its oldest alerts, counted, and never holds up the rules or another follower.
/// </summary>
public sealed class AlertFollower
{
    public const int Capacity = 64;
    private long _dropped;

    public AlertFollower() =>
        Queue = Channel.CreateBounded<AlertRecord>(new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));

    public Channel<AlertRecord> Queue { get; }

    /// <summary>The alerts lost since the last call.</summary>
    public long TakeDropped() => Interlocked.Exchange(ref _dropped, 0);
}
