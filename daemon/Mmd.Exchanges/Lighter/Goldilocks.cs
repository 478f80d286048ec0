namespace Mmd.Exchanges.Lighter;

/// <summary>
/// The Goldilocks field, p = 2^64 − 2^32 + 1, on canonical <c>ulong</c>s (every value kept below p). Lighter hashes its
/// transactions (Poseidon2) and builds its curve (ECgFp5, over the fifth-degree extension) on it. 2^64 ≡ 2^32 − 1 and
/// 2^96 ≡ −1 (mod p), so a 128-bit product reduces with a subtraction, a 32×32 product and an addition.
/// </summary>
internal static class Goldilocks
{
    public const ulong P = 0xFFFF_FFFF_0000_0001;

    /// <summary>2^64 mod p.</summary>
    private const ulong Epsilon = 0xFFFF_FFFF;

    /// <summary>A ulong as a field element: values in [p, 2^64) wrap once.</summary>
    public static ulong FromUInt64(ulong value) => value >= P ? value - P : value;

    public static ulong Add(ulong a, ulong b)
    {
        var sum = a + b;
        // a + b < 2p: a carry out of 64 bits is worth 2^64 ≡ ε, and sum + ε cannot carry again.
        sum += Epsilon & (0 - (ulong)(sum < a ? 1 : 0));
        return sum >= P ? sum - P : sum;
    }

    public static ulong Sub(ulong a, ulong b)
    {
        var difference = a - b;
        // A borrow took 2^64 ≡ ε too many; the wrapped difference is above ε whenever it borrowed.
        return difference - (Epsilon & (0 - (ulong)(a < b ? 1 : 0)));
    }

    public static ulong Negate(ulong a) => a == 0 ? 0 : P - a;

    public static ulong Multiply(ulong a, ulong b)
    {
        var high = Math.BigMul(a, b, out var low);
        return Reduce(high, low);
    }

    public static ulong Square(ulong a) => Multiply(a, a);

    /// <summary>high·2^64 + low mod p, for any 128-bit value.</summary>
    public static ulong Reduce(ulong high, ulong low)
    {
        var highHigh = high >> 32;
        var highLow = high & Epsilon;
        // low − highHigh·2^96 ≡ low + highHigh.
        var t0 = low - highHigh;
        t0 -= Epsilon & (0 - (ulong)(low < highHigh ? 1 : 0));
        // highLow·2^64 ≡ highLow·ε, which fits in 64 bits.
        var t1 = highLow * Epsilon;
        var sum = t0 + t1;
        sum += Epsilon & (0 - (ulong)(sum < t0 ? 1 : 0));
        return sum >= P ? sum - P : sum;
    }

    public static ulong Power(ulong a, ulong exponent)
    {
        ulong result = 1;
        var square = a;
        while (exponent != 0)
        {
            if ((exponent & 1) != 0) result = Multiply(result, square);
            square = Square(square);
            exponent >>= 1;
        }
        return result;
    }

    /// <summary>a⁻¹ by Fermat (a^(p−2)); 0 for 0.</summary>
    public static ulong Inverse(ulong a) => Power(a, P - 2);
}
