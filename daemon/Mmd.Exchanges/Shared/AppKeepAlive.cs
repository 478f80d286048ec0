namespace Mmd.Exchanges.Shared;

/// <summary>
/// A venue's keep-alive on top of the protocol's: a text message it wants every <paramref name="Interval"/>, and the answer
/// to each of its own (null for a message that is not one, which is then parsed as usual).
/// </summary>
internal sealed record AppKeepAlive(string Ping, TimeSpan Interval, Func<ReadOnlyMemory<byte>, string?> AnswerTo, TimeProvider Time);
