using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;

namespace Mmd.Exchanges.Paradex;

/// <summary>A point of the STARK curve in affine coordinates, as the precomputed tables hold it.</summary>
internal readonly record struct StarkAffine(StarkField X, StarkField Y)
{
    public static StarkAffine From(ECPoint point)
    {
        var normal = point.Normalize();
        return new(StarkField.From(normal.AffineXCoord.ToBigInteger()), StarkField.From(normal.AffineYCoord.ToBigInteger()));
    }

    /// <summary>The affine form of every point, normalized together (one inversion for all).</summary>
    public static StarkAffine[] FromAll(ECPoint[] points)
    {
        StarkCurve.Curve.NormalizeAll(points);
        return points.Select(From).ToArray();
    }
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

    /// <summary>The affine x of the sum.</summary>
    public readonly BigInteger AffineX() => (_x * _z.Inverse().Square()).ToBigInteger();
}
