using System.Globalization;
using System.Text;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Math.EC.Multiplier;
using Org.BouncyCastle.Utilities;
using Mmd.Exchanges.Shared;

namespace Mmd.Exchanges.Aster;

/// <summary>
/// Aster's V3 request signature (exchanges.md §2.5): EIP-712 typed data <c>Message(string msg)</c> in the domain
/// AsterSignTransaction / version 1 / chain id 1666 (714 on testnet) / verifying contract 0, where <c>msg</c> is the exact
/// URL-encoded parameter string that is sent. The digest is signed with the agent's secp256k1 key: RFC 6979 deterministic
/// k, low S, and <c>v = 27 + recovery id</c>, as eth_account and ethers do. Keccak-256 is the original Keccak, not SHA3-256.
/// </summary>
public sealed class AsterEip712Signer
{
    public const long MainnetChainId = 1666;
    public const long TestnetChainId = 714;

    private static readonly X9ECParameters Curve = CustomNamedCurves.GetByName("secp256k1");
    private static readonly ECDomainParameters Domain = new(Curve.Curve, Curve.G, Curve.N, Curve.H);
    private static readonly BigInteger HalfN = Curve.N.ShiftRight(1);
    private static readonly byte[] DomainTypeHash = Keccak256.Hash("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"u8);
    private static readonly byte[] MessageTypeHash = Keccak256.Hash("Message(string msg)"u8);

    private readonly ECPrivateKeyParameters _key;
    private readonly byte[] _domainSeparator;

    /// <param name="privateKey">The agent (signer) wallet's 32-byte private key.</param>
    public AsterEip712Signer(ReadOnlySpan<byte> privateKey, long chainId = MainnetChainId)
    {
        if (privateKey.Length != 32) throw new ArgumentException("a secp256k1 private key is 32 bytes", nameof(privateKey));
        var d = new BigInteger(1, privateKey.ToArray());
        if (d.SignValue <= 0 || d.CompareTo(Curve.N) >= 0) throw new ArgumentException("not a secp256k1 private key", nameof(privateKey));
        _key = new ECPrivateKeyParameters(d, Domain);
        _domainSeparator = DomainSeparator(chainId);
        SignerAddress = AddressOf(new FixedPointCombMultiplier().Multiply(Domain.G, d).Normalize());
    }

    /// <summary>The signer (agent) wallet address the key belongs to, EIP-55 checksummed.</summary>
    public string SignerAddress { get; }

    /// <summary>keccak256(typeHash ‖ keccak("AsterSignTransaction") ‖ keccak("1") ‖ uint256(chainId) ‖ uint256(0)).</summary>
    public static byte[] DomainSeparator(long chainId)
    {
        var buffer = new byte[32 * 5];
        DomainTypeHash.CopyTo(buffer, 0);
        Keccak256.Hash("AsterSignTransaction"u8).CopyTo(buffer, 32);
        Keccak256.Hash("1"u8).CopyTo(buffer, 64);
        Word(new BigInteger(chainId.ToString(CultureInfo.InvariantCulture))).CopyTo(buffer, 96);
        // The verifying contract is the zero address: the last word stays zero.
        return Keccak256.Hash(buffer);
    }

    /// <summary>The EIP-712 digest of one parameter string: keccak256(0x19 0x01 ‖ domainSeparator ‖ structHash(msg)).</summary>
    public static byte[] Digest(string msg, byte[] domainSeparator)
    {
        var structInput = new byte[64];
        MessageTypeHash.CopyTo(structInput, 0);
        Keccak256.Hash(Encoding.UTF8.GetBytes(msg)).CopyTo(structInput, 32);
        var input = new byte[2 + 64];
        input[0] = 0x19;
        input[1] = 0x01;
        domainSeparator.CopyTo(input, 2);
        Keccak256.Hash(structInput).CopyTo(input, 34);
        return Keccak256.Hash(input);
    }

    /// <summary>The signature of <paramref name="msg"/>: 0x-prefixed lowercase hex of r ‖ s ‖ v.</summary>
    /// <remarks>
    /// ECDSA as BouncyCastle's ECDsaSigner does it (RFC 6979 k, fixed-point comb multiplication), written out here only to
    /// keep the point R: its y parity is the recovery id, which otherwise costs two public-key recoveries per request.
    /// </remarks>
    public string Sign(string msg)
    {
        var digest = Digest(msg, _domainSeparator);
        var n = Curve.N;
        var d = _key.D;
        var e = new BigInteger(1, digest); // a 256-bit digest for a 256-bit order: no truncation
        var k = new HMacDsaKCalculator(new Sha256Digest());
        k.Init(n, d, digest);
        while (true)
        {
            var nonce = k.NextK();
            var point = BasePoint.Multiply(Curve.G, nonce).Normalize();
            var x = point.AffineXCoord.ToBigInteger();
            var r = x.Mod(n);
            if (r.SignValue == 0 || x.CompareTo(n) >= 0) continue; // the second case (recovery ids 2, 3) has no Ethereum v
            var s = nonce.ModInverse(n).Multiply(e.Add(d.Multiply(r))).Mod(n);
            if (s.SignValue == 0) continue;
            var recId = point.AffineYCoord.TestBitZero() ? 1 : 0;
            if (s.CompareTo(HalfN) > 0)
            {
                s = n.Subtract(s); // low S, the form Ethereum accepts: the mirrored R has the other parity
                recId ^= 1;
            }
            return "0x" + Convert.ToHexStringLower([.. Word(r), .. Word(s), (byte)(27 + recId)]);
        }
    }

    private static readonly FixedPointCombMultiplier BasePoint = new();

    /// <summary>
    /// The address that signed <paramref name="msg"/> with <paramref name="signature"/> (r ‖ s ‖ v hex, with or without
    /// 0x), or null when the signature is malformed or high-S. This is how the venue (and the emulator) checks a request.
    /// </summary>
    public static string? RecoverSigner(string msg, string signature, long chainId)
    {
        var hex = signature.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? signature[2..] : signature;
        if (hex.Length != 130) return null;
        byte[] bytes;
        try { bytes = Convert.FromHexString(hex); }
        catch (FormatException) { return null; }
        var r = new BigInteger(1, bytes, 0, 32);
        var s = new BigInteger(1, bytes, 32, 32);
        var v = bytes[64];
        if (v is not (27 or 28) || r.SignValue <= 0 || r.CompareTo(Curve.N) >= 0 || s.SignValue <= 0 || s.CompareTo(HalfN) > 0) return null;
        var point = Recover(Digest(msg, DomainSeparator(chainId)), r, s, v - 27);
        return point is null ? null : AddressOf(point);
    }

    /// <summary>The Ethereum address of a public key: the last 20 bytes of keccak256(X ‖ Y), EIP-55 checksummed.</summary>
    public static string AddressOf(ECPoint publicKey)
    {
        var encoded = publicKey.GetEncoded(false); // 0x04 ‖ X ‖ Y
        var hash = Keccak256.Hash(encoded.AsSpan(1));
        return Checksum(Convert.ToHexStringLower(hash.AsSpan(12)));
    }

    /// <summary>EIP-55: a hex letter is upper case when the matching nibble of keccak(lowercase address) is 8 or more.</summary>
    public static string Checksum(string lowerHex)
    {
        var hash = Keccak256.Hash(Encoding.ASCII.GetBytes(lowerHex));
        var sb = new StringBuilder("0x", 42);
        for (var i = 0; i < lowerHex.Length; i++)
        {
            var nibble = (hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xF;
            sb.Append(char.IsLetter(lowerHex[i]) && nibble >= 8 ? char.ToUpperInvariant(lowerHex[i]) : lowerHex[i]);
        }
        return sb.ToString();
    }

    // SEC 1 v2 §4.1.6: the public key from a signature, for recovery id 0 or 1 (x = r; ids 2 and 3 need r >= n - p, which
    // practically never happens on secp256k1).
    private static ECPoint? Recover(byte[] digest, BigInteger r, BigInteger s, int recId)
    {
        var compressed = new byte[33];
        compressed[0] = (byte)(recId == 0 ? 0x02 : 0x03);
        Word(r).CopyTo(compressed, 1);
        ECPoint R;
        try { R = Curve.Curve.DecodePoint(compressed); }
        catch (ArgumentException) { return null; }
        if (!R.Multiply(Curve.N).IsInfinity) return null;
        var e = new BigInteger(1, digest);
        var rInverse = r.ModInverse(Curve.N);
        var u1 = Curve.N.Subtract(e).Multiply(rInverse).Mod(Curve.N);
        var u2 = s.Multiply(rInverse).Mod(Curve.N);
        var q = ECAlgorithms.SumOfTwoMultiplies(Curve.G, u1, R, u2).Normalize();
        return q.IsInfinity ? null : q;
    }

    /// <summary>A non-negative integer as a 32-byte big-endian word.</summary>
    private static byte[] Word(BigInteger value) => BigIntegers.AsUnsignedByteArray(32, value);
}
