using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Math.EC.Multiplier;

namespace Mmd.Exchanges.Paradex;

/// <summary>
/// The STARK curve y² = x³ + x + β over p = 2^251 + 17·2^192 + 1 (exchanges.md §3.4), and StarkNet's Pedersen hash on it.
/// Signing's generator multiples are <see cref="StarkGenerator"/>'s tables and the Pedersen hash <see cref="StarkPedersen"/>'s,
/// both in <see cref="StarkField"/>; BouncyCastle's arithmetic is the reference they are tested against and fall back to.
/// </summary>
public static class StarkCurve
{
    public static readonly BigInteger P = BigInteger.One.ShiftLeft(251).Add(BigInteger.ValueOf(17).ShiftLeft(192)).Add(BigInteger.One);

    public static readonly BigInteger N = new("3618502788666131213697322783095070105526743751716087489154079457884512865583");

    /// <summary>Messages, r and s⁻¹ must stay below 2^251 (StarkWare's range checks).</summary>
    public static readonly BigInteger ElementBound = BigInteger.One.ShiftLeft(251);

    private static readonly BigInteger Beta = new("3141592653589793238462643383279502884197169399375105820974944592307816406665");

    // BouncyCastle's curve checks p for primality when it is made (about 200 ms): made on first use, which signing and
    // hashing never need (they run on StarkField); verification, the reference arithmetic and the fallbacks do.
    private static readonly Lazy<ECCurve> LazyCurve = new(() => new FpCurve(P, BigInteger.One, Beta, N, BigInteger.One));

    public static ECCurve Curve => LazyCurve.Value;

    internal static readonly (BigInteger X, BigInteger Y) GeneratorXY = XY(
        "874739451078007766457464989774322083649278607533249481151382481072868806602",
        "152666792071518830868575557812948353041420400780739481342941381225525861407");

    // The Pedersen constant points P0..P4 (@scure/starknet PEDERSEN_POINTS, exchanges.md §3.7).
    internal static readonly (BigInteger X, BigInteger Y) PedersenShiftXY = XY(
        "2089986280348253421170679821480865132823066470938446095505822317253594081284",
        "1713931329540660377023406109199410414810705867260802078187082345529207694986");

    internal static readonly (BigInteger X, BigInteger Y)[] PedersenBasesXY =
    [
        XY("996781205833008774514500082376783249102396023663454813447423147977397232763",
            "1668503676786377725805489344771023921079126552019160156920634619255970485781"),
        XY("2251563274489750535117886426533222435294046428347329203627021249169616184184",
            "1798716007562728905295480679789526322175868328062420237419143593021674992973"),
        XY("2138414695194151160943305727036575959195309218611738193261179310511854807447",
            "113410276730064486255102093846540133784865286929052426931474106396135072156"),
        XY("2379962749567351885752724891227938183011949129833673362440656643086021394946",
            "776496453633298175483985398648758586525933812536653089401905292063708816422"),
    ];

    private static readonly Lazy<ECPoint> LazyG = new(() => Point(GeneratorXY));

    public static ECPoint G => LazyG.Value;

    // P1..P4 then P0, as BouncyCastle points: each keeps its comb table.
    private static readonly Lazy<ECPoint[]> LazyPedersenPoints = new(() => [.. PedersenBasesXY.Select(Point), Point(PedersenShiftXY)]);

    private static readonly BigInteger Low248 = BigInteger.One.ShiftLeft(248).Subtract(BigInteger.One);

    private static readonly FixedPointCombMultiplier Comb = new();

    /// <summary>k·G, by the generator's comb table.</summary>
    public static ECPoint MultiplyG(BigInteger k) => Comb.Multiply(G, k).Normalize();

    /// <summary>pedersen(a, b) = x of P0 + a_low·P1 + a_high·P2 + b_low·P3 + b_high·P4 (low 248 bits, top 4 bits).</summary>
    public static BigInteger Pedersen(BigInteger a, BigInteger b)
    {
        CheckFelt(a, nameof(a));
        CheckFelt(b, nameof(b));
        return StarkPedersen.TryHash(a, b) ?? PedersenReference(a, b);
    }

    /// <summary>The same hash by BouncyCastle's general point arithmetic, about a hundred times slower.</summary>
    internal static BigInteger PedersenReference(BigInteger a, BigInteger b)
    {
        var bases = LazyPedersenPoints.Value;
        var sum = bases[4]
            .Add(Comb.Multiply(bases[0], a.And(Low248)))
            .Add(Comb.Multiply(bases[1], a.ShiftRight(248)))
            .Add(Comb.Multiply(bases[2], b.And(Low248)))
            .Add(Comb.Multiply(bases[3], b.ShiftRight(248)))
            .Normalize();
        return sum.AffineXCoord.ToBigInteger();
    }

    /// <summary>compute_hash_on_elements: pedersen(…pedersen(pedersen(0, x0), x1)…, length).</summary>
    public static BigInteger HashOnElements(params ReadOnlySpan<BigInteger> elements) => PedersenChain.Empty.Append(elements).Finish();

    /// <summary>The point whose x is <paramref name="x"/> (either of the two: ECDSA verification tries both), or null off the curve.</summary>
    public static ECPoint? PointWithX(BigInteger x)
    {
        if (x.SignValue < 0 || x.CompareTo(P) >= 0) return null;
        var fx = Curve.FromBigInteger(x);
        var y = fx.Square().Add(Curve.A).Multiply(fx).Add(Curve.B).Sqrt();
        return y is null ? null : Curve.CreatePoint(x, y.ToBigInteger());
    }

    private static void CheckFelt(BigInteger value, string name)
    {
        if (value.SignValue < 0 || value.CompareTo(P) >= 0) throw new ArgumentOutOfRangeException(name, "a field element is in [0, p)");
    }

    private static (BigInteger X, BigInteger Y) XY(string x, string y) => (new BigInteger(x), new BigInteger(y));

    private static ECPoint Point((BigInteger X, BigInteger Y) xy) => Curve.CreatePoint(xy.X, xy.Y);
}

/// <summary>
/// compute_hash_on_elements taken in steps. A chain whose first elements never change (a type hash; a message's prefix,
/// domain and account) is hashed that far once, and each message pays only for the rest.
/// </summary>
public readonly record struct PedersenChain(BigInteger? State, int Count)
{
    public static PedersenChain Empty => new(BigInteger.Zero, 0);

    public PedersenChain Append(params ReadOnlySpan<BigInteger> elements)
    {
        var hash = State ?? BigInteger.Zero;
        foreach (var element in elements) hash = StarkCurve.Pedersen(hash, element);
        return new(hash, Count + elements.Length);
    }

    /// <summary>The hash: the chain closed with its length.</summary>
    public BigInteger Finish() => StarkCurve.Pedersen(State ?? BigInteger.Zero, BigInteger.ValueOf(Count));
}
