using Org.BouncyCastle.Math;

namespace Mmd.Exchanges.Paradex;

/// <summary>
/// x(k·G) for signing, by a fixed-window table of the generator: k is written in 64 signed odd digits of 4 bits
/// (k = Σ dᵢ·16^i, dᵢ ∈ ±{1, 3, …, 15}), so the sum is exactly 63 mixed additions of table points, with no doubling
/// and no digit that skips a step. The secret decides no branch and no address: each lookup reads all eight entries of
/// its window and keeps one by mask, and the sign is applied by mask. An even k is replaced by n - k, which has the
/// same x. About 70 µs, against BouncyCastle's 4 ms comb; the tables (512 points) are built on first use.
/// </summary>
internal static class StarkGenerator
{
    private const int Digits = 64;

    // [window][j] = (2j + 1)·16^window·G.
    private static readonly StarkAffine[][] Table = StarkAffine.Windows(StarkAffine.From(StarkCurve.GeneratorXY), Digits, 8, oddOnly: true);

    /// <summary>x(k·G) for 0 &lt; k &lt; n; null when an addition meets its own point (odds about 2^-245), which the caller computes otherwise.</summary>
    public static BigInteger? TryMultiplyX(BigInteger k)
    {
        // Both k and n - k, and the odd one kept by mask: the nonce's parity decides no branch.
        Span<ulong> limbs = stackalloc ulong[4], negated = stackalloc ulong[4];
        StarkField.ReadLimbs(k, limbs);
        StarkField.ReadLimbs(StarkCurve.N.Subtract(k), negated);
        var even = 0UL - (~limbs[0] & 1);
        for (var i = 0; i < 4; i++) limbs[i] = (limbs[i] & ~even) | (negated[i] & even);

        Span<int> digits = stackalloc int[Digits];
        Recode(limbs, digits);
        var sum = new StarkJacobian(Lookup(0, digits[0]));
        var ok = true;
        for (var w = 1; w < Digits; w++) ok &= sum.TryAdd(Lookup(w, digits[w]));
        return ok ? sum.AffineX() : null;
    }

    /// <summary>
    /// The signed odd digits of an odd number: dᵢ = (k mod 32) - 16, then k = (k - dᵢ)/16, which stays odd; the last
    /// quotient is the top digit (1 for any k below 2^252).
    /// </summary>
    private static void Recode(Span<ulong> k, Span<int> digits)
    {
        for (var i = 0; i < Digits - 1; i++)
        {
            var digit = (long)(k[0] & 31) - 16;
            digits[i] = (int)digit;
            // k -= digit: add -digit, sign-extended across the limbs.
            var addend = (ulong)(-digit);
            var extension = (ulong)(-digit >> 63);
            ulong carry = 0;
            for (var l = 0; l < 4; l++)
            {
                var word = l == 0 ? addend : extension;
                var sum = k[l] + word;
                var c1 = sum < word ? 1UL : 0UL;
                sum += carry;
                carry = c1 | (sum < carry ? 1UL : 0UL);
                k[l] = sum;
            }
            for (var l = 0; l < 3; l++) k[l] = (k[l] >> 4) | (k[l + 1] << 60);
            k[3] >>= 4;
        }
        digits[Digits - 1] = (int)k[0];
    }

    /// <summary>digit·16^window·G: every entry of the window is read, the one wanted kept by mask, then negated by mask.</summary>
    private static StarkAffine Lookup(int window, int digit)
    {
        var sign = (ulong)(long)(digit >> 31); // all ones when negative
        var index = (int)((uint)((digit ^ (int)sign) - (int)sign) >> 1); // |digit| = 2·index + 1
        var row = Table[window];
        StarkField x = default, y = default;
        for (var j = 0; j < row.Length; j++)
        {
            var match = 0UL - (ulong)((uint)((j ^ index) - 1) >> 31); // all ones when j == index
            x = StarkField.Select(x, row[j].X, match);
            y = StarkField.Select(y, row[j].Y, match);
        }
        return new(x, StarkField.Select(y, StarkField.Zero - y, sign));
    }
}
