using HMACSHA256 = System.Security.Cryptography.HMACSHA256;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Utilities;

namespace Mmd.Exchanges.Paradex;

/// <summary>
/// ECDSA on the STARK curve as StarkNet signs (exchanges.md §3.4): r = (k·G).x mod n, s = k⁻¹(z + r·d) mod n, no low-S.
/// k is RFC 6979 (HMAC-SHA256) with @scure/starknet's bits2int, so signatures are byte-identical to starknet.js.
/// A public key is the x-coordinate of d·G (the "stark key").
/// </summary>
public static class StarkEcdsa
{
    private const int OrderBits = 252;

    public static BigInteger PublicKey(BigInteger privateKey)
    {
        CheckPrivateKey(privateKey);
        return StarkGenerator.TryMultiplyX(privateKey) ?? StarkCurve.MultiplyG(privateKey).AffineXCoord.ToBigInteger();
    }

    /// <summary>Signs a message hash below 2^251 (a Pedersen hash almost always is; anything else is refused, as StarkNet does).</summary>
    public static (BigInteger R, BigInteger S) Sign(BigInteger messageHash, BigInteger privateKey)
    {
        CheckPrivateKey(privateKey);
        if (messageHash.SignValue < 0 || messageHash.CompareTo(StarkCurve.ElementBound) >= 0)
            throw new ArgumentOutOfRangeException(nameof(messageHash), "a StarkNet message hash is below 2^251");
        var n = StarkCurve.N;
        foreach (var k in Nonces(privateKey, messageHash))
        {
            var r = (StarkGenerator.TryMultiplyX(k) ?? StarkCurve.MultiplyG(k).AffineXCoord.ToBigInteger()).Mod(n);
            if (r.SignValue == 0 || r.CompareTo(StarkCurve.ElementBound) >= 0) continue;
            var s = k.ModInverse(n).Multiply(messageHash.Add(r.Multiply(privateKey))).Mod(n);
            // The verifier needs s⁻¹ below 2^251 too; another k is as good a signature (2^-55 odds of ever getting here).
            if (s.SignValue == 0 || s.ModInverse(n).CompareTo(StarkCurve.ElementBound) >= 0) continue;
            return (r, s);
        }
        throw new InvalidOperationException("unreachable: the nonce sequence is endless");
    }

    /// <summary>StarkWare's verify: range checks, then (z·w)·G + (r·w)·Q has x ≡ r for Q = ±(the point with x = public key).</summary>
    public static bool Verify(BigInteger publicKey, BigInteger messageHash, BigInteger r, BigInteger s)
    {
        var n = StarkCurve.N;
        if (messageHash.SignValue < 0 || messageHash.CompareTo(StarkCurve.ElementBound) >= 0) return false;
        if (r.SignValue <= 0 || r.CompareTo(StarkCurve.ElementBound) >= 0) return false;
        if (s.SignValue <= 0 || s.CompareTo(n) >= 0) return false;
        var w = s.ModInverse(n);
        if (w.CompareTo(StarkCurve.ElementBound) >= 0) return false;
        var q = StarkCurve.PointWithX(publicKey);
        if (q is null) return false;
        var u1 = messageHash.Multiply(w).Mod(n);
        var u2 = r.Multiply(w).Mod(n);
        // Only the x of the key is known: R for +Q and for -Q are u1·G ± u2·Q.
        var a = StarkCurve.MultiplyG(u1);
        var b = q.Multiply(u2);
        return Matches(a.Add(b), r, n) || Matches(a.Subtract(b), r, n);
    }

    private static bool Matches(ECPoint point, BigInteger r, BigInteger n)
    {
        point = point.Normalize();
        return !point.IsInfinity && point.AffineXCoord.ToBigInteger().Mod(n).Equals(r);
    }

    /// <summary>RFC 6979 §3.2 with HMAC-SHA256 over int2octets(d) ‖ int2octets(z mod n), candidates by <see cref="Bits2Int"/>.</summary>
    internal static IEnumerable<BigInteger> Nonces(BigInteger privateKey, BigInteger messageHash)
    {
        byte[] seed = [.. BigIntegers.AsUnsignedByteArray(32, privateKey), .. BigIntegers.AsUnsignedByteArray(32, messageHash.Mod(StarkCurve.N))];
        var v = Enumerable.Repeat((byte)1, 32).ToArray();
        var key = new byte[32];
        key = Hmac(key, [.. v, 0, .. seed]);
        v = Hmac(key, v);
        key = Hmac(key, [.. v, 1, .. seed]);
        v = Hmac(key, v);
        while (true)
        {
            v = Hmac(key, v);
            var k = Bits2Int(v);
            if (k.SignValue > 0 && k.CompareTo(StarkCurve.N) < 0) yield return k;
            key = Hmac(key, [.. v, 0]);
            v = Hmac(key, v);
        }
    }

    /// <summary>@scure/starknet's bits2int: leading zero bytes are dropped first, then anything beyond 252 bits is shifted out.</summary>
    private static BigInteger Bits2Int(byte[] bytes)
    {
        var start = 0;
        while (start < bytes.Length && bytes[start] == 0) start++;
        var value = new BigInteger(1, bytes, start, bytes.Length - start);
        var excess = (bytes.Length - start) * 8 - OrderBits;
        return excess > 0 ? value.ShiftRight(excess) : value;
    }

    private static byte[] Hmac(byte[] key, byte[] data) => HMACSHA256.HashData(key, data);

    private static void CheckPrivateKey(BigInteger privateKey)
    {
        if (privateKey.SignValue <= 0 || privateKey.CompareTo(StarkCurve.N) >= 0)
            throw new ArgumentOutOfRangeException(nameof(privateKey), "a STARK private key is in [1, n)");
    }
}
