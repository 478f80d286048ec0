namespace Mmd.Trading.Collections;

/// <summary>
/// A set that keeps its latest <c>capacity</c> items and forgets the oldest first. What a venue may send again (a trade
/// repeated after a reconnect) is recent, so a bounded memory of it serves a process that runs for months.
/// </summary>
public sealed class RecentSet<T>(int capacity, IEqualityComparer<T>? comparer = null) where T : notnull
{
    private readonly HashSet<T> _items = new(comparer);
    private readonly Queue<T> _order = new();

    public bool Contains(T item) => _items.Contains(item);

    /// <summary>Adds the item, forgetting the oldest past the capacity; false when it was already there.</summary>
    public bool Add(T item)
    {
        if (!_items.Add(item)) return false;
        _order.Enqueue(item);
        if (_order.Count > capacity) _items.Remove(_order.Dequeue());
        return true;
    }
}
