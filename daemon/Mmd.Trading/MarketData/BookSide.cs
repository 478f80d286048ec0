namespace Mmd.Trading.MarketData;

/// <summary>
/// One side of an L2 book as parallel sorted arrays stored worst price first, best price last, so that the
/// updates near the touch (most of them) insert and remove at the tail and move few elements. Levels are
/// ordered by an integer key (the price in units of 1e-10); the decimal price is kept exactly as given.
/// No allocation after warm-up.
/// </summary>
internal sealed class BookSide
{
    private const int KeyScale = 10;
    private static readonly ulong[] Pow10 = [.. Enumerable.Range(0, KeyScale + 1).Select(i => (ulong)Math.Pow(10, i))];

    private readonly bool _descending;
    private long[] _keys = new long[64];
    private decimal[] _prices = new decimal[64];
    private decimal[] _sizes = new decimal[64];

    public BookSide(bool descending) => _descending = descending;

    public int Count { get; private set; }

    /// <summary>Level by depth: 0 is the best price.</summary>
    public BookLevel this[int depth]
    {
        get
        {
            var i = Count - 1 - depth;
            return new(_prices[i], _sizes[i]);
        }
    }

    public void Clear() => Count = 0;

    public void Set(decimal price, decimal quantity)
    {
        var key = Key(price);
        var index = Find(key);
        if (index >= 0)
        {
            if (quantity == 0) RemoveAt(index);
            else _sizes[index] = quantity;
            return;
        }
        if (quantity == 0) return;
        Insert(~index, key, price, quantity);
    }

    public decimal QuantityAt(decimal price)
    {
        var index = Find(Key(price));
        return index >= 0 ? _sizes[index] : 0m;
    }

    /// <summary>The price as a count of 1e-10 units; exact for any price with at most 10 decimals below 9.2e8.</summary>
    internal static long Key(decimal price)
    {
        // The scale and the 96-bit integer of the decimal, read without copying it out through GetBits.
        var scale = price.Scale;
        var raw = System.Runtime.CompilerServices.Unsafe.As<decimal, DecimalLayout>(ref price);
        if (raw.Hi == 0 && scale <= KeyScale)
        {
            var factor = Pow10[KeyScale - scale];
            if (raw.Lo <= long.MaxValue / factor)
            {
                var key = (long)(raw.Lo * factor);
                return raw.Flags < 0 ? -key : key;
            }
        }
        // Out of the fast range (more than 10 decimals, or huge): order by the rounded value.
        return (long)Math.Round(price * 10_000_000_000m);
    }

    // System.Decimal's field layout on .NET (flags, high 32 bits, low 64 bits); a test pins it against GetBits.
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private readonly struct DecimalLayout
    {
        public readonly int Flags;
        public readonly uint Hi;
        public readonly ulong Lo;
    }

    private int Find(long key)
    {
        int lo = 0, hi = Count - 1;
        var keys = _keys;
        // Stored best-last: bids ascend (highest last), asks descend (lowest last).
        if (!_descending)
        {
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                var k = keys[mid];
                if (k == key) return mid;
                if (k > key) lo = mid + 1;
                else hi = mid - 1;
            }
        }
        else
        {
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                var k = keys[mid];
                if (k == key) return mid;
                if (k < key) lo = mid + 1;
                else hi = mid - 1;
            }
        }
        return ~lo;
    }

    private void Insert(int index, long key, decimal price, decimal quantity)
    {
        if (Count == _prices.Length)
        {
            Array.Resize(ref _keys, Count * 2);
            Array.Resize(ref _prices, Count * 2);
            Array.Resize(ref _sizes, Count * 2);
        }
        if (index < Count)
        {
            Array.Copy(_keys, index, _keys, index + 1, Count - index);
            Array.Copy(_prices, index, _prices, index + 1, Count - index);
            Array.Copy(_sizes, index, _sizes, index + 1, Count - index);
        }
        _keys[index] = key;
        _prices[index] = price;
        _sizes[index] = quantity;
        Count++;
    }

    private void RemoveAt(int index)
    {
        Count--;
        if (index < Count)
        {
            Array.Copy(_keys, index + 1, _keys, index, Count - index);
            Array.Copy(_prices, index + 1, _prices, index, Count - index);
            Array.Copy(_sizes, index + 1, _sizes, index, Count - index);
        }
    }
}
