using System.Numerics;

namespace Mmd.Exchanges.Lighter;

/// <summary>
/// k·G by a precomputed table: j·16^w·G in affine form for each of the 80 four-bit windows of a scalar, so a multiple
/// is 80 mixed additions and no doubling, about a sixth of the general method's work; every signature takes one
/// (the nonce's k·G). Each window's lookup reads all sixteen entries and keeps one by mask, so the nonce picks neither
/// a branch nor an address. The table (about 100 KB) is built on first use.
/// </summary>
internal static class EcgFp5Generator
{
    private const int Windows = 2 * Fp5.ByteLength;

    private static readonly Lazy<(Fp5 X, Fp5 U)[]> Table = new(Build);

    public static EcgFp5Point Multiply(BigInteger scalar)
    {
        scalar %= EcgFp5Point.Order;
        if (scalar.Sign < 0) scalar += EcgFp5Point.Order;
        Span<byte> bytes = stackalloc byte[Fp5.ByteLength];
        bytes.Clear();
        scalar.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        var table = Table.Value;
        var result = EcgFp5Point.Neutral;
        for (var window = 0; window < Windows; window++)
        {
            var digit = (bytes[window / 2] >> (4 * (window & 1))) & 0xF;
            var x = Fp5.Zero;
            var u = Fp5.Zero;
            for (var j = 1; j < 16; j++)
            {
                var mask = (ulong)((long)((j ^ digit) - 1) >> 63);
                var entry = table[16 * window + j];
                x = Fp5.Select(mask, entry.X, x);
                u = Fp5.Select(mask, entry.U, u);
            }
            // A zero digit leaves (0, 0), the neutral point's affine form, which the complete formulas add as such.
            result = result.AddAffine(x, u);
        }
        return result;
    }

    private static (Fp5 X, Fp5 U)[] Build()
    {
        var points = new EcgFp5Point[16 * Windows];
        var windowBase = EcgFp5Point.Generator;
        for (var window = 0; window < Windows; window++)
        {
            points[16 * window] = EcgFp5Point.Neutral;
            points[16 * window + 1] = windowBase;
            for (var j = 2; j < 16; j++) points[16 * window + j] = points[16 * window + j - 1].Add(windowBase);
            windowBase = points[16 * window + 8].Double(); // 16·base
        }
        return EcgFp5Point.ToAffine(points);
    }
}
