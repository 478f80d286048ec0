using System.Text;

namespace Mmd.Trading.Orders;

/// <summary>
/// Client order ids are ours: <c>{instance}_{run}{sequence}</c>, where run is the base-36 start time in
/// milliseconds. Instance names cannot contain '_', so one instance's prefix is never a prefix of
/// another's, and an id never repeats across restarts. At most 36 characters for names of up to 20.
/// A venue whose client id is a number gets <c>{instance}_{number}</c> instead (<see cref="FromNumbers"/>).
/// </summary>
public sealed class ClientOrderIds
{
    public const char Separator = '_';
    private readonly string _prefix;
    private readonly Func<long>? _nextNumber;
    private readonly Action<string>? _continueAfter;
    private long _sequence;

    public ClientOrderIds(string instanceName, DateTimeOffset runStart)
    {
        _prefix = PrefixOf(instanceName) + ToBase36(runStart.ToUnixTimeMilliseconds());
    }

    private ClientOrderIds(string instanceName, Func<long> nextNumber, Action<string> continueAfter)
    {
        _prefix = PrefixOf(instanceName);
        _nextNumber = nextNumber;
        _continueAfter = continueAfter;
    }

    /// <summary>
    /// Ids whose suffix is a number the venue's connector chose (and can carry in its numeric client-id field); its numbers
    /// come round again, so a run goes on from the last id an earlier run used, which <paramref name="continueAfter"/> is
    /// told (<see cref="ContinueAfter"/>).
    /// </summary>
    public static ClientOrderIds FromNumbers(string instanceName, Func<long> nextNumber, Action<string> continueAfter) => new(instanceName, nextNumber, continueAfter);

    public static string PrefixOf(string instanceName) => instanceName + Separator;

    public static bool IsOwnedBy(string? clientOrderId, string instanceName) =>
        clientOrderId is not null && clientOrderId.StartsWith(PrefixOf(instanceName), StringComparison.Ordinal);

    /// <summary>
    /// At a run's start, before its first order: numbered ids go on after <paramref name="lastClientOrderId"/>, the newest
    /// order the instance's journal holds on this venue. Ids made of the run's start time never repeat and ignore it.
    /// </summary>
    public void ContinueAfter(string? lastClientOrderId)
    {
        if (lastClientOrderId is not null) _continueAfter?.Invoke(lastClientOrderId);
    }

    public string Next() => _nextNumber is { } next
        ? _prefix + next().ToString(System.Globalization.CultureInfo.InvariantCulture)
        : _prefix + ToBase36(Interlocked.Increment(ref _sequence));

    internal static string ToBase36(long value)
    {
        const string digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        if (value == 0) return "0";
        var sb = new StringBuilder(13);
        while (value > 0)
        {
            sb.Insert(0, digits[(int)(value % 36)]);
            value /= 36;
        }
        return sb.ToString();
    }
}
