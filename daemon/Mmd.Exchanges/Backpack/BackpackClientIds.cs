using Mmd.Exchanges.Shared;

namespace Mmd.Exchanges.Backpack;

/// <summary>
/// Backpack's clientId is a uint32: a 10-bit tag (1–1023, from <c>backpack.client_id_tag</c> or a hash of the
/// instance's name; the daemon refuses two instances with one tag) over a 22-bit counter (going on from the last run's;
/// round again after four million orders). The scheme is <see cref="NumericClientIds"/>'; this class keeps Backpack's
/// widths and its uint32 wire type.
/// </summary>
public sealed class BackpackClientIds(string instanceName, uint tag, DateTimeOffset runStart)
{
    public const int TagBits = 10;
    public const int CounterBits = 22;
    public const uint MaxTag = (1u << TagBits) - 1;

    private readonly NumericClientIds _ids = new(instanceName, tag, runStart, TagBits, CounterBits, "backpack");

    public uint Tag => (uint)_ids.Tag;

    public static uint DefaultTag(string instanceName) => NumericClientIds.DefaultTag(instanceName, MaxTag);

    public long Next() => _ids.Next();

    public void ContinueAfter(string lastClientOrderId) => _ids.ContinueAfter(lastClientOrderId);

    public void NoteOpen(IEnumerable<uint> clientIds) => _ids.NoteOpen(clientIds.Select(id => (ulong)id));

    public bool IsOurs(uint clientId) => _ids.IsOurs(clientId);

    public uint? ToWire(string clientOrderId) => (uint?)_ids.ToWire(clientOrderId);

    public string? FromWire(uint? clientId) => _ids.FromWire(clientId);
}
