using System.Numerics;

namespace Mmd.Exchanges.Lighter;

/// <summary>
/// A point of ECgFp5 (Pornin, eprint 2022/274), the curve Lighter's keys live on: y² = x(x² + a·x + b) over GF(p^5)
/// with a = 2, b = 263·z (z the extension's generator), a group of prime order <see cref="Order"/>. Kept in the
/// paper's fractional (x, u) = (X/Z, U/T) coordinates with u = x/y, where the addition formulas are complete: no
/// case for the neutral point or for doubling, so a scalar multiple never branches on the scalar. A point is
/// encoded as the single element w = T/U = y/x.
/// </summary>
internal readonly struct EcgFp5Point
{
    /// <summary>n, the group order: scalars (private keys, nonces, signature halves) live modulo it.</summary>
    public static readonly BigInteger Order = BigInteger.Parse(
        "1067993516717146951041484916571792702745057740581727230159139685185762082554198619328292418486241");

    private static readonly Fp5 A = Fp5.FromBase(2);
    private static readonly Fp5 B = new(0, 263, 0, 0, 0);
    private static readonly Fp5 BTimes2 = new(0, 2 * 263, 0, 0, 0);
    private static readonly Fp5 BTimes4 = new(0, 4 * 263, 0, 0, 0);
    private static readonly Fp5 Four = Fp5.FromBase(4);

    public static readonly EcgFp5Point Neutral = new(Fp5.Zero, Fp5.One, Fp5.Zero, Fp5.One);

    public static readonly EcgFp5Point Generator = new(
        new Fp5(12883135586176881569, 4356519642755055268, 5248930565894896907, 2165973894480315022, 2448410071095648785),
        Fp5.One, Fp5.One, Four);

    private readonly Fp5 _x, _z, _u, _t;

    private EcgFp5Point(Fp5 x, Fp5 z, Fp5 u, Fp5 t)
    {
        _x = x;
        _z = z;
        _u = u;
        _t = t;
    }

    public bool IsNeutral => _u.IsZero;

    /// <summary>w = y/x (T/U); the neutral point encodes as 0.</summary>
    public Fp5 Encode() => _t * _u.Inverse();

    /// <summary>
    /// The point whose encoding is w; null when w encodes none. Dividing the curve equation by x² gives
    /// x² − (w² − a)·x + b = 0; of its two roots, the one that is not a square is the point's x.
    /// </summary>
    public static EcgFp5Point? Decode(Fp5 w)
    {
        if (w.IsZero) return Neutral;
        var e = w.Square() - A;
        var delta = e.Square() - BTimes4;
        if (delta.SquareRoot() is not { } r) return null;
        var half = Fp5.FromBase(2).Inverse();
        var x1 = (e + r) * half;
        var x2 = (e - r) * half;
        var x = x1.Legendre() == 1 ? x2 : x1;
        return new EcgFp5Point(x, Fp5.One, Fp5.One, w);
    }

    /// <summary>P + Q by the complete formulas (10 products).</summary>
    public EcgFp5Point Add(EcgFp5Point other)
    {
        var t1 = _x * other._x;
        var t2 = _z * other._z;
        var t3 = _u * other._u;
        var t4 = _t * other._t;
        var t5 = (_x + _z) * (other._x + other._z) - (t1 + t2);
        var t6 = (_u + _t) * (other._u + other._t) - (t3 + t4);
        var t7 = t1 + t2 * B;
        var t8 = t4 * t7;
        var t9 = t3 * (t5 * BTimes2 + t7.Twice());
        var t10 = (t4 + t3.Twice()) * (t5 + t7);
        return new EcgFp5Point((t10 - t8) * B, t8 - t9, t6 * (t2 * B - t1), t8 + t9);
    }

    /// <summary>P + (x, u) for a point in affine form (Z = T = 1; the neutral point is (0, 0)): 8 products.</summary>
    public EcgFp5Point AddAffine(Fp5 x2, Fp5 u2)
    {
        var t1 = _x * x2;
        var t3 = _u * u2;
        var t5 = _x + x2 * _z;
        var t6 = _u + u2 * _t;
        var t7 = t1 + _z * B;
        var t8 = _t * t7;
        var t9 = t3 * (t5 * BTimes2 + t7.Twice());
        var t10 = (_t + t3.Twice()) * (t5 + t7);
        return new EcgFp5Point((t10 - t8) * B, t8 - t9, t6 * (_z * B - t1), t8 + t9);
    }

    /// <summary>The affine (x, u) of each point, with one inversion for all of them (Montgomery's trick).</summary>
    public static (Fp5 X, Fp5 U)[] ToAffine(ReadOnlySpan<EcgFp5Point> points)
    {
        // prefix[i] = Π_{j<i} Z_j·T_j
        var prefix = new Fp5[points.Length + 1];
        prefix[0] = Fp5.One;
        for (var i = 0; i < points.Length; i++) prefix[i + 1] = prefix[i] * points[i]._z * points[i]._t;
        var inverse = prefix[points.Length].Inverse();
        var affine = new (Fp5 X, Fp5 U)[points.Length];
        for (var i = points.Length - 1; i >= 0; i--)
        {
            var zt = inverse * prefix[i]; // 1/(Z_i·T_i)
            inverse *= points[i]._z * points[i]._t;
            affine[i] = (points[i]._x * points[i]._t * zt, points[i]._u * points[i]._z * zt);
        }
        return affine;
    }

    /// <summary>2P (4 products and 5 squares).</summary>
    public EcgFp5Point Double()
    {
        var t1 = _z * _t;
        var t2 = t1 * _t;
        var x1 = t2.Square();
        var z1 = t1 * _u;
        var t3 = _u.Square();
        var w1 = t2 - t3 * (_x + _z).Twice();
        var t4 = z1.Square();
        var z = w1.Square();
        return new EcgFp5Point(t4 * BTimes4, z, (w1 + z1).Square() - (t4 + z), x1.Twice() - (t4 * Four + z));
    }

    /// <summary>
    /// k·P with a fixed 4-bit window: 80 windows of four doublings and one addition of a table entry, which is read
    /// whole and kept by mask, so neither the sequence of operations nor the memory touched depends on k.
    /// </summary>
    public EcgFp5Point Multiply(BigInteger scalar)
    {
        scalar %= Order;
        if (scalar.Sign < 0) scalar += Order;
        Span<byte> bytes = stackalloc byte[Fp5.ByteLength];
        scalar.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);

        var table = new EcgFp5Point[16];
        table[0] = Neutral;
        table[1] = this;
        for (var i = 2; i < 16; i++) table[i] = (i & 1) == 0 ? table[i / 2].Double() : table[i - 1].Add(this);

        var result = Neutral;
        for (var nibble = 2 * Fp5.ByteLength - 1; nibble >= 0; nibble--)
        {
            result = result.Double().Double().Double().Double();
            var digit = (bytes[nibble / 2] >> (4 * (nibble & 1))) & 0xF;
            result = result.Add(Lookup(table, digit));
        }
        return result;
    }

    private static EcgFp5Point Lookup(EcgFp5Point[] table, int digit)
    {
        var x = Fp5.Zero;
        var z = Fp5.Zero;
        var u = Fp5.Zero;
        var t = Fp5.Zero;
        for (var i = 0; i < table.Length; i++)
        {
            // All ones when i == digit: (i ^ digit) − 1 is negative exactly then.
            var mask = (ulong)((long)((i ^ digit) - 1) >> 63);
            x = Fp5.Select(mask, table[i]._x, x);
            z = Fp5.Select(mask, table[i]._z, z);
            u = Fp5.Select(mask, table[i]._u, u);
            t = Fp5.Select(mask, table[i]._t, t);
        }
        return new EcgFp5Point(x, z, u, t);
    }

    /// <summary>Same point (u/t is unique to a point, the neutral's being 0).</summary>
    public bool SameAs(EcgFp5Point other) => (_u * other._t).Equals(other._u * _t);
}
