using Org.BouncyCastle.Math;
using Org.BouncyCastle.Utilities;

namespace Mmd.Exchanges.Paradex;

/// <summary>
/// The Pedersen hash by tables, as @scure/starknet computes it: every multiple j·16^w·Pᵢ of the four constant points is
/// precomputed once (affine), so a hash is one mixed addition per non-zero nibble of its inputs and a single inversion,
/// all in <see cref="StarkField"/>. The tables (1 890 points) take a few milliseconds to build, on first use. The inputs
/// are public (orders, requests), so nothing here needs to be constant time.
/// </summary>
internal static class StarkPedersen
{
    private const int LowNibbles = 62; // the low 248 bits of a felt; its top 4 bits (below 2^252) are one more nibble

    private static readonly StarkAffine Shift = StarkAffine.From(StarkCurve.PedersenShiftXY);

    // [window][j - 1] = j·16^window·point for the low parts (P1, P3); [j - 1] = j·point for the high parts (P2, P4).
    private static readonly StarkAffine[][] LowA = Windows(0, LowNibbles);
    private static readonly StarkAffine[] HighA = Windows(1, 1)[0];
    private static readonly StarkAffine[][] LowB = Windows(2, LowNibbles);
    private static readonly StarkAffine[] HighB = Windows(3, 1)[0];

    /// <summary>The x of P0 + a_low·P1 + a_high·P2 + b_low·P3 + b_high·P4; null in the degenerate case the caller computes otherwise.</summary>
    public static BigInteger? TryHash(BigInteger a, BigInteger b)
    {
        Span<byte> aBytes = stackalloc byte[32], bBytes = stackalloc byte[32];
        BigIntegers.AsUnsignedByteArray(a, aBytes);
        BigIntegers.AsUnsignedByteArray(b, bBytes);
        var sum = new StarkJacobian(Shift);
        for (var w = 0; w <= LowNibbles; w++)
        {
            if (Nibble(aBytes, w) is var na and > 0 && !sum.TryAdd((w < LowNibbles ? LowA[w] : HighA)[na - 1])) return null;
            if (Nibble(bBytes, w) is var nb and > 0 && !sum.TryAdd((w < LowNibbles ? LowB[w] : HighB)[nb - 1])) return null;
        }
        return sum.AffineX();
    }

    private static StarkAffine[][] Windows(int basePoint, int count) =>
        StarkAffine.Windows(StarkAffine.From(StarkCurve.PedersenBasesXY[basePoint]), count, 15, oddOnly: false);

    /// <summary>Nibble <paramref name="index"/> from the least significant end of a 32-byte big-endian number.</summary>
    private static int Nibble(ReadOnlySpan<byte> bigEndian, int index) => (bigEndian[31 - index / 2] >> (index % 2 * 4)) & 0xF;
}
