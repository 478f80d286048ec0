namespace Mmd.Trading.Execution;

/// <summary>An event of a venue's private account stream.</summary>
public abstract record AccountEvent(DateTimeOffset Time);

public sealed record OrderUpdateEvent(VenueOrder Order, DateTimeOffset Time) : AccountEvent(Time);

public sealed record FillEvent(VenueFill Fill, DateTimeOffset Time) : AccountEvent(Time);

/// <summary>The stream lost events (overflow or reconnect): the client must re-read orders and fills over REST.</summary>
public sealed record AccountResyncRequiredEvent(string Reason, DateTimeOffset Time) : AccountEvent(Time);
