using Mmd.Trading.Execution;

namespace Mmd.Exchanges.Shared;

/// <summary>
/// How a venue's WebSocket streams show they are alive. A protocol Ping goes out every <see cref="PingInterval"/>; a
/// connection whose Pong does not come back within <see cref="PongTimeout"/> is dropped (a half-open connection, say,
/// after a NAT or a proxy lost it) and the stream is subscribed afresh. A book stream that has had nothing to send for
/// <see cref="QuietInterval"/> on a connection that answers says so (<see cref="BookAliveEvent"/>): a quiet market is
/// not a dead feed. With the defaults a connection that has gone silent stops being vouched for, and fails, within
/// about nine seconds: inside the engine's fifteen-second stale limit.
/// </summary>
public sealed record StreamLiveness
{
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(3);
    public TimeSpan PongTimeout { get; init; } = TimeSpan.FromSeconds(3);
    public TimeSpan QuietInterval { get; init; } = BookAliveEvent.QuietInterval;
}
