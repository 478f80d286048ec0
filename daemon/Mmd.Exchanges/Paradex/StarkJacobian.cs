using Org.BouncyCastle.Math;

namespace Mmd.Exchanges.Paradex;

/// <summary>A point of the STARK curve in affine coordinates, as the precomputed tables hold it.</summary>
internal readonly record struct StarkAffine(StarkField X, StarkField Y)
{
    public static StarkAffine From((BigInteger X, BigInteger Y) xy) => new(StarkField.From(xy.X), StarkField.From(xy.Y));

    /// <summary>
    /// Window tables of a point: <c>[w][j] = (j + 1)·16^w·point</c>, or with <paramref name="oddOnly"/> <c>(2j + 1)·16^w·point</c>,
    /// <paramref name="perWindow"/> entries a window. Built with this curve arithmetic and one batched inversion a window:
    /// a few milliseconds, where BouncyCastle's general arithmetic took a few hundred.
    /// </summary>
    public static StarkAffine[][] Windows(StarkAffine point, int windows, int perWindow, bool oddOnly)
    {
        var table = new StarkAffine[windows][];
        var windowBase = point;
        Span<StarkJacobian> multiples = new StarkJacobian[perWindow + 1];
        for (var w = 0; w < windows; w++)
        {
            // The step between entries: the base itself, or twice it for odd multiples.
            var step = oddOnly ? StarkJacobian.Normalize([new StarkJacobian(windowBase).Double()])[0] : windowBase;
            var sum = new StarkJacobian(windowBase);
            multiples[0] = sum;
            for (var j = 1; j < perWindow; j++)
            {
                sum = j == 1 && !oddOnly ? sum.Double() : Added(sum, step);
                multiples[j] = sum;
            }
            // The next window's base, 16 times this one: 15·B + B (both tables end at 15·B).
            multiples[perWindow] = Added(sum, windowBase);
            var affine = StarkJacobian.Normalize(multiples);
            table[w] = affine[..perWindow];
            windowBase = affine[perWindow];
        }
        return table;
    }

    private static StarkJacobian Added(StarkJacobian sum, StarkAffine point) =>
        sum.TryAdd(point) ? sum : throw new InvalidOperationException("unreachable: a small multiple met its own point");
}

/// <summary>
/// A running sum of table points in Jacobian coordinates (x = X/Z², y = Y/Z³): each addition is a mixed one
/// (madd-2007-bl, 7 products and 4 squares), and only the result is brought back to affine, by one inversion.
/// </summary>
internal struct StarkJacobian(StarkAffine start)
{
    private StarkField _x = start.X, _y = start.Y, _z = StarkField.One;

    /// <summary>Adds an affine point; false (the sum untouched) when it equals the sum or its negation, which these formulas cannot add.</summary>
    public bool TryAdd(StarkAffine point)
    {
        var z1z1 = _z.Square();
        var u2 = point.X * z1z1;
        var s2 = point.Y * _z * z1z1;
        var h = u2 - _x;
        if (h.IsZero) return false;
        var hh = h.Square();
        var i = hh + hh;
        i += i;
        var j = h * i;
        var r = s2 - _y;
        r += r;
        var v = _x * i;
        var x3 = r.Square() - j - v - v;
        var yj = _y * j;
        var y3 = r * (v - x3) - yj - yj;
        _z = (_z + h).Square() - z1z1 - hh;
        (_x, _y) = (x3, y3);
        return true;
    }

    /// <summary>Twice the sum (dbl-2007-bl with the curve's a = 1); only the tables are built with it.</summary>
    public readonly StarkJacobian Double()
    {
        var xx = _x.Square();
        var yy = _y.Square();
        var yyyy = yy.Square();
        var zz = _z.Square();
        var s = (_x + yy).Square() - xx - yyyy;
        s += s;
        var m = xx + xx + xx + zz.Square();
        var t = m.Square() - s - s;
        var eightYyyy = yyyy + yyyy;
        eightYyyy += eightYyyy;
        eightYyyy += eightYyyy;
        var doubled = this;
        doubled._x = t;
        doubled._y = m * (s - t) - eightYyyy;
        doubled._z = (_y + _z).Square() - yy - zz;
        return doubled;
    }

    /// <summary>The affine x of the sum.</summary>
    public readonly BigInteger AffineX() => (_x * _z.Inverse().Square()).ToBigInteger();

    /// <summary>Affine forms of many sums with one inversion (Montgomery's trick).</summary>
    public static StarkAffine[] Normalize(ReadOnlySpan<StarkJacobian> points)
    {
        var prefix = new StarkField[points.Length];
        var product = StarkField.One;
        for (var i = 0; i < points.Length; i++)
        {
            prefix[i] = product;
            product *= points[i]._z;
        }
        var inverse = product.Inverse();
        var affine = new StarkAffine[points.Length];
        for (var i = points.Length - 1; i >= 0; i--)
        {
            var zInverse = inverse * prefix[i];
            inverse *= points[i]._z;
            var zz = zInverse.Square();
            affine[i] = new(points[i]._x * zz, points[i]._y * zz * zInverse);
        }
        return affine;
    }
}
