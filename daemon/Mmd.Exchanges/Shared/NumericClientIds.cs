using System.Globalization;
using Mmd.Trading.Orders;

namespace Mmd.Exchanges.Shared;

/// <summary>
/// Client ids for a venue whose client id is a number (Backpack's uint32, Lighter's 48-bit client order index): our
/// string ids cannot travel as they are. Each instance owns a <b>tag</b> (1 … 2^tagBits − 1) and numbers its orders
/// in the low bits: <c>number = tag &lt;&lt; counterBits | counter</c>.
/// <para>
/// Our id for number n is <c>{instance}_{n}</c>, so the engine's prefix rule still says whose an order is; an order
/// whose tag is not ours maps to <c>{venue}#{n}</c>, which no instance owns (names cannot hold '#'). Cancel-all
/// therefore only ever touches this tag's orders. Tag 0 (and number 0, which venues omit) is never ours, so orders
/// placed by hand or by other tools are left alone.
/// </para>
/// <para>
/// A run's counter goes on from the last number the instance's journal holds (<see cref="ContinueAfter"/>), so a run
/// never reuses a number an earlier run used until the counter has gone round (Backpack's 22 bits: four million orders):
/// the start time alone (16 a second, where a journal holds none of ours) let a run that had ordered faster than that
/// hand its last numbers to the next. It skips every number still open on the venue.
/// </para>
/// </summary>
public sealed class NumericClientIds
{
    private readonly string _prefix;
    private readonly string _foreignPrefix;
    private readonly int _counterBits;
    private readonly ulong _counterMask;
    private readonly HashSet<ulong> _open = [];
    private readonly Lock _gate = new();
    private ulong _counter;
    private bool _numbered;

    public NumericClientIds(string instanceName, ulong tag, DateTimeOffset runStart, int tagBits, int counterBits, string venue)
    {
        if (tag == 0 || tag >> tagBits != 0) throw new ArgumentOutOfRangeException(nameof(tag), tag, $"a {venue} client-id tag is 1 to {(1UL << tagBits) - 1}");
        Tag = tag;
        _counterBits = counterBits;
        _counterMask = (1UL << counterBits) - 1;
        _prefix = ClientOrderIds.PrefixOf(instanceName);
        _foreignPrefix = venue + "#";
        _counter = (ulong)(runStart.ToUnixTimeSeconds() * 16) & _counterMask;
    }

    public ulong Tag { get; }

    /// <summary>The default tag of an instance: FNV-1a of its name folded into 1 … maxTag.</summary>
    public static uint DefaultTag(string instanceName, uint maxTag)
    {
        var hash = 2166136261u;
        foreach (var c in instanceName)
        {
            hash ^= c;
            hash *= 16777619u;
        }
        return hash % maxTag + 1;
    }

    /// <summary>The next number of this instance: never 0, never a number still open on the venue.</summary>
    public long Next()
    {
        lock (_gate)
        {
            ulong id;
            _numbered = true;
            do
            {
                _counter = (_counter + 1) & _counterMask;
                id = Tag << _counterBits | _counter;
            }
            while (_counter == 0 || _open.Contains(id));
            return (long)id;
        }
    }

    /// <summary>
    /// Numbers this run's orders on from <paramref name="lastClientOrderId"/>, the last id an earlier run of the instance
    /// used (its journal's newest order), instead of from the run's start time. An id that is not a number of ours (another
    /// instance's, another tag's after the tag was changed) changes nothing, and so does a call after this run's first
    /// order (its numbers go on from their own).
    /// </summary>
    public void ContinueAfter(string lastClientOrderId)
    {
        if (ToWire(lastClientOrderId) is not { } last) return;
        lock (_gate)
        {
            if (!_numbered) _counter = last & _counterMask;
        }
    }

    /// <summary>Remembers which of our numbers the venue lists as open, so <see cref="Next"/> steps over them.</summary>
    public void NoteOpen(IEnumerable<ulong> clientIds)
    {
        lock (_gate)
        {
            _open.Clear();
            foreach (var id in clientIds)
                if (IsOurs(id)) _open.Add(id);
        }
    }

    public bool IsOurs(ulong clientId) => clientId >> _counterBits == Tag && (clientId & _counterMask) != 0;

    /// <summary>Our string id → the venue's number; null when the id is not one of ours (it cannot be sent).</summary>
    public ulong? ToWire(string clientOrderId)
    {
        if (!clientOrderId.StartsWith(_prefix, StringComparison.Ordinal)) return null;
        return ulong.TryParse(clientOrderId.AsSpan(_prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && IsOurs(n) ? n : null;
    }

    /// <summary>The venue's number → our string id (or the foreign form no instance owns); null for no client id.</summary>
    public string? FromWire(ulong? clientId) => clientId switch
    {
        null or 0 => null,
        { } n when IsOurs(n) => _prefix + n.ToString(CultureInfo.InvariantCulture),
        { } n => _foreignPrefix + n.ToString(CultureInfo.InvariantCulture),
    };
}
