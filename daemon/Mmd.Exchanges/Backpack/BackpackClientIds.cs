using System.Globalization;
using Mmd.Trading.Orders;

namespace Mmd.Exchanges.Backpack;

/// <summary>
/// Backpack's clientId is a uint32, so our string ids cannot travel as they are. Each instance owns a 10-bit
/// <b>tag</b> (1–1023, from <c>backpack.client_id_tag</c> or a hash of its name; the daemon refuses two instances
/// with one tag) and numbers its orders in the low 22 bits: <c>clientId = tag &lt;&lt; 22 | counter</c>.
/// <para>
/// Our id for clientId n is <c>{instance}_{n}</c>, so the engine's prefix rule still says whose an order is; an
/// order whose tag is not ours maps to <c>backpack#{n}</c>, which no instance owns (names cannot hold '#'). Cancel-all
/// therefore only ever touches this tag's orders. Tag 0 (and clientId 0, which the venue omits) is never ours,
/// so orders placed by hand or by other tools are left alone.
/// </para>
/// <para>
/// The counter starts where the run's start time puts it (16 per second, a cycle every ~3 days) so consecutive runs
/// do not reuse each other's numbers, and it skips every number still open on the venue.
/// </para>
/// </summary>
public sealed class BackpackClientIds
{
    public const int TagBits = 10;
    public const int CounterBits = 22;
    public const uint MaxTag = (1u << TagBits) - 1;
    private const uint CounterMask = (1u << CounterBits) - 1;
    private const string ForeignPrefix = "backpack#";

    private readonly string _prefix;
    private readonly HashSet<uint> _open = [];
    private readonly Lock _gate = new();
    private uint _counter;

    public BackpackClientIds(string instanceName, uint tag, DateTimeOffset runStart)
    {
        if (tag is 0 or > MaxTag) throw new ArgumentOutOfRangeException(nameof(tag), tag, $"a Backpack client-id tag is 1 to {MaxTag}");
        Tag = tag;
        _prefix = ClientOrderIds.PrefixOf(instanceName);
        _counter = (uint)(runStart.ToUnixTimeSeconds() * 16 & CounterMask);
    }

    public uint Tag { get; }

    /// <summary>The default tag of an instance: FNV-1a of its name folded into 1–1023.</summary>
    public static uint DefaultTag(string instanceName)
    {
        var hash = 2166136261u;
        foreach (var c in instanceName)
        {
            hash ^= c;
            hash *= 16777619u;
        }
        return hash % MaxTag + 1;
    }

    /// <summary>The next clientId of this instance: never 0, never a number still open on the venue.</summary>
    public long Next()
    {
        lock (_gate)
        {
            uint id;
            do
            {
                _counter = (_counter + 1) & CounterMask;
                id = Tag << CounterBits | _counter;
            }
            while (_counter == 0 || _open.Contains(id));
            return id;
        }
    }

    /// <summary>Remembers which of our numbers the venue lists as open, so <see cref="Next"/> steps over them.</summary>
    public void NoteOpen(IEnumerable<uint> clientIds)
    {
        lock (_gate)
        {
            _open.Clear();
            foreach (var id in clientIds)
                if (IsOurs(id)) _open.Add(id);
        }
    }

    public bool IsOurs(uint clientId) => clientId >> CounterBits == Tag && (clientId & CounterMask) != 0;

    /// <summary>Our string id → the venue's number; null when the id is not one of ours (it cannot be sent).</summary>
    public uint? ToWire(string clientOrderId)
    {
        if (!clientOrderId.StartsWith(_prefix, StringComparison.Ordinal)) return null;
        return uint.TryParse(clientOrderId.AsSpan(_prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && IsOurs(n) ? n : null;
    }

    /// <summary>The venue's number → our string id (or the foreign form no instance owns); null for no client id.</summary>
    public string? FromWire(uint? clientId) => clientId switch
    {
        null or 0 => null,
        { } n when IsOurs(n) => _prefix + n.ToString(CultureInfo.InvariantCulture),
        { } n => ForeignPrefix + n.ToString(CultureInfo.InvariantCulture),
    };
}
