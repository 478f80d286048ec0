using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Utilities;

namespace Mmd.Exchanges.Paradex;

/// <summary>
/// An element of the STARK field (p = 2^251 + 17·2^192 + 1) in Montgomery form (x·2^256 mod p), four 64-bit limbs.
/// BouncyCastle's generic field element reduces each product by a BigInteger division, about a microsecond; this one
/// multiplies in tens of nanoseconds, which is what makes a Pedersen hash (≈1 400 products) cheap enough to sign every
/// order. Sums, differences and products never branch on the values; the conversions to and from BigInteger do.
/// </summary>
internal readonly struct StarkField : IEquatable<StarkField>
{
    // p's limbs, least significant first. p ≡ 1 (mod 2^64), so Montgomery's -p⁻¹ mod 2^64 is -1.
    private const ulong P0 = 1, P1 = 0, P2 = 0, P3 = 0x0800000000000011;

    private readonly ulong _l0, _l1, _l2, _l3;

    private StarkField(ulong l0, ulong l1, ulong l2, ulong l3)
    {
        _l0 = l0;
        _l1 = l1;
        _l2 = l2;
        _l3 = l3;
    }

    /// <summary>2^512 mod p: multiplying by it brings a plain value into Montgomery form.</summary>
    private static readonly StarkField RSquared = Limbs(BigInteger.One.ShiftLeft(512).Mod(StarkCurve.P));

    private static readonly StarkField PlainOne = new(1, 0, 0, 0);

    /// <summary>1 in Montgomery form (2^256 mod p).</summary>
    public static readonly StarkField One = Limbs(BigInteger.One.ShiftLeft(256).Mod(StarkCurve.P));

    // p - 2, least significant limb first (p's low limb 1 borrows through the zeros).
    private static readonly ulong[] PMinusTwo = [ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, P3 - 1];

    public static StarkField Zero => default;

    public bool IsZero => (_l0 | _l1 | _l2 | _l3) == 0;

    /// <summary>From a value in [0, p).</summary>
    public static StarkField From(BigInteger value) => Limbs(value) * RSquared;

    public BigInteger ToBigInteger()
    {
        var plain = this * PlainOne;
        Span<byte> bytes = stackalloc byte[32];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, plain._l3);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], plain._l2);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[16..], plain._l1);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[24..], plain._l0);
        return new BigInteger(1, bytes);
    }

    /// <summary>a^(p-2) = a⁻¹ (Fermat), by 4-bit windows: about 250 squarings and 60 products, and no allocation.</summary>
    public StarkField Inverse()
    {
        Span<StarkField> powers = stackalloc StarkField[16];
        powers[0] = One;
        for (var i = 1; i < 16; i++) powers[i] = powers[i - 1] * this;
        var result = One;
        for (var nibble = 63; nibble >= 0; nibble--)
        {
            if (nibble < 63) result = result.Square().Square().Square().Square();
            var digit = (int)(PMinusTwo[nibble / 16] >> (nibble % 16 * 4)) & 0xF;
            if (digit != 0) result *= powers[digit];
        }
        return result;
    }

    public static StarkField operator +(StarkField a, StarkField b)
    {
        // Both are below p < 2^252: the sum fits in four limbs.
        var s0 = AddCarry(a._l0, b._l0, 0, out var c);
        var s1 = AddCarry(a._l1, b._l1, c, out c);
        var s2 = AddCarry(a._l2, b._l2, c, out c);
        var s3 = AddCarry(a._l3, b._l3, c, out _);
        return Reduce(s0, s1, s2, s3);
    }

    public static StarkField operator -(StarkField a, StarkField b)
    {
        var d0 = SubtractBorrow(a._l0, b._l0, 0, out var borrow);
        var d1 = SubtractBorrow(a._l1, b._l1, borrow, out borrow);
        var d2 = SubtractBorrow(a._l2, b._l2, borrow, out borrow);
        var d3 = SubtractBorrow(a._l3, b._l3, borrow, out borrow);
        // Below zero: add p back (masked rather than branched on).
        var mask = 0UL - borrow;
        var s0 = AddCarry(d0, P0 & mask, 0, out var c);
        var s1 = AddCarry(d1, P1 & mask, c, out c);
        var s2 = AddCarry(d2, P2 & mask, c, out c);
        var s3 = AddCarry(d3, P3 & mask, c, out _);
        return new(s0, s1, s2, s3);
    }

    /// <summary>Montgomery product a·b·2^-256 mod p (CIOS: add a·bᵢ, then divide by 2^64 after adding the multiple of p that clears the low limb).</summary>
    public static StarkField operator *(StarkField a, StarkField b)
    {
        ulong t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0;
        Round(a, b._l0, ref t0, ref t1, ref t2, ref t3, ref t4);
        Round(a, b._l1, ref t0, ref t1, ref t2, ref t3, ref t4);
        Round(a, b._l2, ref t0, ref t1, ref t2, ref t3, ref t4);
        Round(a, b._l3, ref t0, ref t1, ref t2, ref t3, ref t4);
        // t < 2p: one conditional subtraction.
        return Reduce(t0, t1, t2, t3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(in StarkField a, ulong bi, ref ulong t0, ref ulong t1, ref ulong t2, ref ulong t3, ref ulong t4)
    {
        ulong carry = 0;
        t0 = MultiplyAdd(a._l0, bi, t0, ref carry);
        t1 = MultiplyAdd(a._l1, bi, t1, ref carry);
        t2 = MultiplyAdd(a._l2, bi, t2, ref carry);
        t3 = MultiplyAdd(a._l3, bi, t3, ref carry);
        t4 = AddCarry(t4, carry, 0, out var t5);
        // m = -t0 mod 2^64 (as p ≡ 1), and p = 1 + P3·2^192: t0 + m is 2^64 (or 0 when t0 is), the rest is one product.
        var m = 0UL - t0;
        var c = t0 != 0 ? 1UL : 0UL;
        t0 = AddCarry(t1, c, 0, out c);
        t1 = AddCarry(t2, c, 0, out c);
        t2 = MultiplyAdd(m, P3, t3, ref c);
        t3 = AddCarry(t4, c, 0, out c);
        t4 = t5 + c;
    }

    public StarkField Square() => this * this;

    /// <summary><paramref name="whenSet"/> where <paramref name="mask"/> is all ones, else <paramref name="otherwise"/>; no branch.</summary>
    public static StarkField Select(StarkField otherwise, StarkField whenSet, ulong mask) => new(
        (otherwise._l0 & ~mask) | (whenSet._l0 & mask), (otherwise._l1 & ~mask) | (whenSet._l1 & mask),
        (otherwise._l2 & ~mask) | (whenSet._l2 & mask), (otherwise._l3 & ~mask) | (whenSet._l3 & mask));

    public bool Equals(StarkField other) => _l0 == other._l0 && _l1 == other._l1 && _l2 == other._l2 && _l3 == other._l3;

    public override bool Equals(object? obj) => obj is StarkField other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_l0, _l1, _l2, _l3);

    public static bool operator ==(StarkField a, StarkField b) => a.Equals(b);

    public static bool operator !=(StarkField a, StarkField b) => !a.Equals(b);

    private static StarkField Limbs(BigInteger value)
    {
        Span<ulong> limbs = stackalloc ulong[4];
        ReadLimbs(value, limbs);
        return new(limbs[0], limbs[1], limbs[2], limbs[3]);
    }

    /// <summary>The four 64-bit limbs of a value below 2^256, least significant first.</summary>
    internal static void ReadLimbs(BigInteger value, Span<ulong> littleEndian)
    {
        Span<byte> bytes = stackalloc byte[32];
        BigIntegers.AsUnsignedByteArray(value, bytes);
        for (var i = 0; i < 4; i++) littleEndian[i] = BinaryPrimitives.ReadUInt64BigEndian(bytes[(24 - 8 * i)..]);
    }

    /// <summary>x, or x - p when x ≥ p (x below 2p).</summary>
    private static StarkField Reduce(ulong x0, ulong x1, ulong x2, ulong x3)
    {
        var d0 = SubtractBorrow(x0, P0, 0, out var borrow);
        var d1 = SubtractBorrow(x1, P1, borrow, out borrow);
        var d2 = SubtractBorrow(x2, P2, borrow, out borrow);
        var d3 = SubtractBorrow(x3, P3, borrow, out borrow);
        var keep = 0UL - borrow; // all ones when x < p
        return new((x0 & keep) | (d0 & ~keep), (x1 & keep) | (d1 & ~keep), (x2 & keep) | (d2 & ~keep), (x3 & keep) | (d3 & ~keep));
    }

    /// <summary>The low limb of a·b + c + carry; carry becomes its high limb (the sum never exceeds 128 bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MultiplyAdd(ulong a, ulong b, ulong c, ref ulong carry)
    {
        // mulx's high half and a plain multiply's low half stay in registers (BigMul's out parameter goes through memory).
        ulong high, low;
        if (Bmi2.X64.IsSupported)
        {
            high = Bmi2.X64.MultiplyNoFlags(a, b);
            low = a * b;
        }
        else
        {
            high = Math.BigMul(a, b, out low);
        }
        low += c;
        high += low < c ? 1UL : 0UL;
        low += carry;
        high += low < carry ? 1UL : 0UL;
        carry = high;
        return low;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong AddCarry(ulong a, ulong b, ulong carryIn, out ulong carryOut)
    {
        var sum = a + b;
        var carry = sum < a ? 1UL : 0UL;
        sum += carryIn;
        carryOut = carry | (sum < carryIn ? 1UL : 0UL);
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SubtractBorrow(ulong a, ulong b, ulong borrowIn, out ulong borrowOut)
    {
        var difference = a - b;
        var borrow = a < b ? 1UL : 0UL;
        borrowOut = borrow | (difference < borrowIn ? 1UL : 0UL);
        return difference - borrowIn;
    }
}
