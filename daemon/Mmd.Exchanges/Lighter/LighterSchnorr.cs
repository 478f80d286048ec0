using System.Numerics;
using System.Security.Cryptography;

namespace Mmd.Exchanges.Lighter;

/// <summary>
/// Lighter's Schnorr signature over ECgFp5 (exchanges.md §4.5): r = Encode(k·G), e = H5(r ‖ m) read as a 320-bit
/// little-endian integer mod n, s = k − e·sk mod n; the signature is s ‖ e, 40 bytes each, little-endian. The nonce
/// is random, as in the official signer, so two signatures of one message differ and both verify.
/// </summary>
public static class LighterSchnorr
{
    public const int SignatureLength = 2 * Fp5.ByteLength;

    private static BigInteger N => EcgFp5Point.Order;

    public static Fp5 PublicKey(BigInteger privateKey) => EcgFp5Generator.Multiply(privateKey).Encode();

    public static byte[] Sign(Fp5 hashedMessage, BigInteger privateKey) => Sign(hashedMessage, privateKey, RandomScalar());

    /// <summary>The signature with a given nonce: for the published fixed-nonce vectors; never reuse a nonce.</summary>
    public static byte[] Sign(Fp5 hashedMessage, BigInteger privateKey, BigInteger nonce)
    {
        var r = EcgFp5Generator.Multiply(nonce).Encode();
        var e = Challenge(r, hashedMessage);
        var s = Mod(nonce - e * privateKey);
        var signature = new byte[SignatureLength];
        WriteScalar(s, signature.AsSpan(0, Fp5.ByteLength));
        WriteScalar(e, signature.AsSpan(Fp5.ByteLength));
        return signature;
    }

    /// <summary>Encode(s·G + e·PK) must hash with the message back to e.</summary>
    public static bool Verify(Fp5 publicKey, Fp5 hashedMessage, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureLength) return false;
        var s = ReadScalar(signature[..Fp5.ByteLength]);
        var e = ReadScalar(signature[Fp5.ByteLength..]);
        if (s >= N || e >= N) return false;
        if (DecodedKeys.Count > 256) DecodedKeys.Clear();
        if (DecodedKeys.GetOrAdd(publicKey, static key => EcgFp5Point.Decode(key)) is not { } point) return false;
        var rv = EcgFp5Generator.Multiply(s).Add(point.Multiply(e)).Encode();
        return Challenge(rv, hashedMessage) == e;
    }

    /// <summary>Decoding takes a square root in GF(p^5), tens of milliseconds; a verifier sees few keys, many times each.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Fp5, EcgFp5Point?> DecodedKeys = new();

    private static BigInteger Challenge(Fp5 r, Fp5 hashedMessage)
    {
        ReadOnlySpan<ulong> preimage = [r.C0, r.C1, r.C2, r.C3, r.C4, hashedMessage.C0, hashedMessage.C1, hashedMessage.C2, hashedMessage.C3, hashedMessage.C4];
        return Poseidon2.HashToQuintic(preimage).ToInteger() % N;
    }

    /// <summary>Uniform in [1, n): 512 random bits reduced, so the bias is below 2^-190.</summary>
    private static BigInteger RandomScalar()
    {
        Span<byte> bytes = stackalloc byte[64];
        while (true)
        {
            RandomNumberGenerator.Fill(bytes);
            var k = new BigInteger(bytes, isUnsigned: true) % N;
            CryptographicOperations.ZeroMemory(bytes);
            if (!k.IsZero) return k;
        }
    }

    private static BigInteger Mod(BigInteger value)
    {
        var r = value % N;
        return r.Sign < 0 ? r + N : r;
    }

    public static BigInteger ReadScalar(ReadOnlySpan<byte> littleEndian) => new(littleEndian, isUnsigned: true, isBigEndian: false);

    public static void WriteScalar(BigInteger value, Span<byte> destination)
    {
        destination.Clear();
        value.TryWriteBytes(destination, out _, isUnsigned: true, isBigEndian: false);
    }
}
