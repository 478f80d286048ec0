namespace Mmd.Trading.MarketData;

/// <summary>
/// One side of an L2 book as two parallel sorted arrays, best price first. Updates near the touch,
/// which are most of them, cost a binary search and a short memmove; no allocation after warm-up.
/// </summary>
internal sealed class BookSide
{
    private readonly bool _descending;
    private decimal[] _prices = new decimal[64];
    private decimal[] _sizes = new decimal[64];

    public BookSide(bool descending) => _descending = descending;

    public int Count { get; private set; }

    public BookLevel this[int index] => new(_prices[index], _sizes[index]);

    public void Clear() => Count = 0;

    public void Set(decimal price, decimal quantity)
    {
        var index = Find(price);
        if (index >= 0)
        {
            if (quantity == 0) RemoveAt(index);
            else _sizes[index] = quantity;
            return;
        }
        if (quantity == 0) return;
        Insert(~index, price, quantity);
    }

    public decimal QuantityAt(decimal price)
    {
        var index = Find(price);
        return index >= 0 ? _sizes[index] : 0m;
    }

    private int Find(decimal price)
    {
        int lo = 0, hi = Count - 1;
        var prices = _prices;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = prices[mid].CompareTo(price);
            if (_descending) c = -c;
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return ~lo;
    }

    private void Insert(int index, decimal price, decimal quantity)
    {
        if (Count == _prices.Length)
        {
            Array.Resize(ref _prices, Count * 2);
            Array.Resize(ref _sizes, Count * 2);
        }
        if (index < Count)
        {
            Array.Copy(_prices, index, _prices, index + 1, Count - index);
            Array.Copy(_sizes, index, _sizes, index + 1, Count - index);
        }
        _prices[index] = price;
        _sizes[index] = quantity;
        Count++;
    }

    private void RemoveAt(int index)
    {
        Count--;
        if (index < Count)
        {
            Array.Copy(_prices, index + 1, _prices, index, Count - index);
            Array.Copy(_sizes, index + 1, _sizes, index, Count - index);
        }
    }
}
