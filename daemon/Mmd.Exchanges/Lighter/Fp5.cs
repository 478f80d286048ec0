using System.Buffers.Binary;
using System.Numerics;

namespace Mmd.Exchanges.Lighter;

/// <summary>
/// An element of GF(p^5) = GF(p)[x]/(x^5 − 3) over the Goldilocks field: the field ECgFp5's coordinates live in and
/// the form Poseidon2's five-element outputs (transaction hashes) take. Serialised as five 8-byte little-endian
/// canonical limbs, 40 bytes.
/// </summary>
public readonly struct Fp5 : IEquatable<Fp5>
{
    public const int ByteLength = 40;

    /// <summary>x^5 = W.</summary>
    private const ulong W = 3;

    /// <summary>A primitive fifth root of unity, W^((p−1)/5): the Frobenius map multiplies coefficient i by its i-th power.</summary>
    private const ulong FifthRootOfUnity = 1041288259238279555;

    public ulong C0 { get; }

    public ulong C1 { get; }

    public ulong C2 { get; }

    public ulong C3 { get; }

    public ulong C4 { get; }

    public Fp5(ulong c0, ulong c1, ulong c2, ulong c3, ulong c4)
    {
        C0 = Goldilocks.FromUInt64(c0);
        C1 = Goldilocks.FromUInt64(c1);
        C2 = Goldilocks.FromUInt64(c2);
        C3 = Goldilocks.FromUInt64(c3);
        C4 = Goldilocks.FromUInt64(c4);
    }

    public static Fp5 Zero => default;

    public static Fp5 One => new(1, 0, 0, 0, 0);

    public static Fp5 FromBase(ulong value) => new(value, 0, 0, 0, 0);

    public bool IsZero => (C0 | C1 | C2 | C3 | C4) == 0;

    public ulong this[int index] => index switch
    {
        0 => C0,
        1 => C1,
        2 => C2,
        3 => C3,
        4 => C4,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public static Fp5 operator +(Fp5 a, Fp5 b) => new(
        Goldilocks.Add(a.C0, b.C0), Goldilocks.Add(a.C1, b.C1), Goldilocks.Add(a.C2, b.C2),
        Goldilocks.Add(a.C3, b.C3), Goldilocks.Add(a.C4, b.C4));

    public static Fp5 operator -(Fp5 a, Fp5 b) => new(
        Goldilocks.Sub(a.C0, b.C0), Goldilocks.Sub(a.C1, b.C1), Goldilocks.Sub(a.C2, b.C2),
        Goldilocks.Sub(a.C3, b.C3), Goldilocks.Sub(a.C4, b.C4));

    public static Fp5 operator -(Fp5 a) => Zero - a;

    public static Fp5 operator *(Fp5 a, Fp5 b)
    {
        // Schoolbook product; the terms of degree 5..8 fold back with x^5 = 3, so b's wrapped coefficients are tripled
        // once. Each coefficient is a sum of five 128-bit products, reduced once.
        var b1 = Goldilocks.Multiply(b.C1, W);
        var b2 = Goldilocks.Multiply(b.C2, W);
        var b3 = Goldilocks.Multiply(b.C3, W);
        var b4 = Goldilocks.Multiply(b.C4, W);
        return new Fp5(
            Dot(a.C0, b.C0, a.C1, b4, a.C2, b3, a.C3, b2, a.C4, b1),
            Dot(a.C0, b.C1, a.C1, b.C0, a.C2, b4, a.C3, b3, a.C4, b2),
            Dot(a.C0, b.C2, a.C1, b.C1, a.C2, b.C0, a.C3, b4, a.C4, b3),
            Dot(a.C0, b.C3, a.C1, b.C2, a.C2, b.C1, a.C3, b.C0, a.C4, b4),
            Dot(a.C0, b.C4, a.C1, b.C3, a.C2, b.C2, a.C3, b.C1, a.C4, b.C0));
    }

    /// <summary>
    /// Σ xᵢ·yᵢ mod p for five pairs. The 128-bit sum may carry out up to four times; 2^128 ≡ −2^32 (mod p), so each
    /// carry takes 2^32 off the reduced sum.
    /// </summary>
    private static ulong Dot(ulong x0, ulong y0, ulong x1, ulong y1, ulong x2, ulong y2, ulong x3, ulong y3, ulong x4, ulong y4)
    {
        var high = Math.BigMul(x0, y0, out var low);
        ulong carries = 0;
        Accumulate(ref low, ref high, ref carries, x1, y1);
        Accumulate(ref low, ref high, ref carries, x2, y2);
        Accumulate(ref low, ref high, ref carries, x3, y3);
        Accumulate(ref low, ref high, ref carries, x4, y4);
        return Goldilocks.Sub(Goldilocks.Reduce(high, low), carries << 32);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(ref ulong low, ref ulong high, ref ulong carries, ulong x, ulong y)
    {
        var productHigh = Math.BigMul(x, y, out var productLow);
        low += productLow;
        // A product of values below p has a high word below 2^64 − 2^33, so the low word's carry cannot overflow it.
        productHigh += low < productLow ? 1ul : 0;
        high += productHigh;
        carries += high < productHigh ? 1ul : 0;
    }

    public Fp5 Square() => this * this;

    public Fp5 Twice() => this + this;

    public Fp5 Scale(ulong factor) => new(
        Goldilocks.Multiply(C0, factor), Goldilocks.Multiply(C1, factor), Goldilocks.Multiply(C2, factor),
        Goldilocks.Multiply(C3, factor), Goldilocks.Multiply(C4, factor));

    /// <summary>x ↦ x^(p^count): coefficient i is multiplied by ω^(i·count).</summary>
    public Fp5 Frobenius(int count = 1)
    {
        var root = Goldilocks.Power(FifthRootOfUnity, (ulong)(count % 5));
        var r2 = Goldilocks.Square(root);
        var r3 = Goldilocks.Multiply(r2, root);
        var r4 = Goldilocks.Square(r2);
        return new Fp5(C0, Goldilocks.Multiply(C1, root), Goldilocks.Multiply(C2, r2), Goldilocks.Multiply(C3, r3), Goldilocks.Multiply(C4, r4));
    }

    /// <summary>x^(p + p² + p³ + p⁴): times x it gives the norm, an element of the base field.</summary>
    private Fp5 NormComplement()
    {
        var d = Frobenius();
        var e = d * d.Frobenius();
        return e * e.Frobenius(2);
    }

    /// <summary>The norm x^(1 + p + … + p⁴), in GF(p); only the constant coefficient of x·f needs computing.</summary>
    private ulong Norm(Fp5 complement) =>
        Goldilocks.Add(Goldilocks.Multiply(C0, complement.C0), Goldilocks.Multiply(W,
            Goldilocks.Add(Goldilocks.Add(Goldilocks.Multiply(C1, complement.C4), Goldilocks.Multiply(C2, complement.C3)),
                Goldilocks.Add(Goldilocks.Multiply(C3, complement.C2), Goldilocks.Multiply(C4, complement.C1)))));

    /// <summary>1/x through the norm (one base-field inversion); 0 for 0.</summary>
    public Fp5 Inverse()
    {
        var f = NormComplement();
        return f.Scale(Goldilocks.Inverse(Norm(f)));
    }

    /// <summary>x^((p^5−1)/2): 1 for a non-zero square, p − 1 for a non-square, 0 for 0.</summary>
    public ulong Legendre() => Goldilocks.Power(Norm(NormComplement()), (Goldilocks.P - 1) / 2);

    public Fp5 Power(BigInteger exponent)
    {
        var result = One;
        var square = this;
        while (!exponent.IsZero)
        {
            if (!exponent.IsEven) result *= square;
            square = square.Square();
            exponent >>= 1;
        }
        return result;
    }

    private static readonly BigInteger Order = BigInteger.Pow(Goldilocks.P, 5);

    /// <summary>p^5 − 1 = 2^32·OddPart (p − 1 = 2^32·(2^32 − 1), and p^4 + … + 1 is odd).</summary>
    private static readonly BigInteger OddPart = (Order - 1) >> 32;

    private static readonly Lazy<Fp5> NonSquareRoot = new(() =>
    {
        for (ulong i = 2; ; i++)
        {
            var candidate = new Fp5(i, 1, 0, 0, 0);
            if (candidate.Legendre() == Goldilocks.P - 1) return candidate.Power(OddPart);
        }
    });

    /// <summary>A square root by Tonelli–Shanks; null when x is not a square. Only verification (point decoding) needs it.</summary>
    public Fp5? SquareRoot()
    {
        if (IsZero) return Zero;
        if (Legendre() != 1) return null;
        var m = 32;
        var c = NonSquareRoot.Value;
        var t = Power(OddPart);
        var r = Power((OddPart + 1) / 2);
        while (!t.Equals(One))
        {
            var i = 0;
            var t2 = t;
            while (!t2.Equals(One))
            {
                t2 = t2.Square();
                i++;
            }
            var b = c;
            for (var j = 0; j < m - i - 1; j++) b = b.Square();
            m = i;
            c = b.Square();
            t *= c;
            r *= b;
        }
        return r;
    }

    /// <summary>a when mask is all ones, b when it is zero, without a branch on either.</summary>
    public static Fp5 Select(ulong mask, Fp5 a, Fp5 b) => new(
        (a.C0 & mask) | (b.C0 & ~mask), (a.C1 & mask) | (b.C1 & ~mask), (a.C2 & mask) | (b.C2 & ~mask),
        (a.C3 & mask) | (b.C3 & ~mask), (a.C4 & mask) | (b.C4 & ~mask));

    public void WriteLittleEndian(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, C0);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], C1);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], C2);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], C3);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[32..], C4);
    }

    public byte[] ToLittleEndianBytes()
    {
        var bytes = new byte[ByteLength];
        WriteLittleEndian(bytes);
        return bytes;
    }

    /// <summary>Five canonical little-endian limbs; null when the length is wrong or a limb is not below p.</summary>
    public static Fp5? FromLittleEndianBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != ByteLength) return null;
        Span<ulong> limbs = stackalloc ulong[5];
        for (var i = 0; i < 5; i++)
        {
            limbs[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes[(8 * i)..]);
            if (limbs[i] >= Goldilocks.P) return null;
        }
        return new Fp5(limbs[0], limbs[1], limbs[2], limbs[3], limbs[4]);
    }

    /// <summary>The 320-bit little-endian integer the five limbs spell (how a hash becomes a Schnorr scalar).</summary>
    public BigInteger ToInteger()
    {
        Span<byte> bytes = stackalloc byte[ByteLength];
        WriteLittleEndian(bytes);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: false);
    }

    public bool Equals(Fp5 other) => C0 == other.C0 && C1 == other.C1 && C2 == other.C2 && C3 == other.C3 && C4 == other.C4;

    public static bool operator ==(Fp5 a, Fp5 b) => a.Equals(b);

    public static bool operator !=(Fp5 a, Fp5 b) => !a.Equals(b);

    public override bool Equals(object? obj) => obj is Fp5 other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(C0, C1, C2, C3, C4);

    public override string ToString() => $"[{C0}, {C1}, {C2}, {C3}, {C4}]";
}
