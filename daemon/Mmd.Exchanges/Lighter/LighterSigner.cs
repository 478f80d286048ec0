using System.Globalization;
using System.Numerics;
using System.Text;

namespace Mmd.Exchanges.Lighter;

/// <summary>
/// Signs for one Lighter API key: L2 transactions (the tx hash, Schnorr-signed) and auth tokens for private reads
/// (exchanges.md §4.5). The private key is 40 bytes, 80 hex characters: a shorter (32-byte) key, which the seed
/// accepted, is refused here with that reason instead of failing at the venue.
/// </summary>
public sealed class LighterSigner
{
    private readonly BigInteger _privateKey;

    public LighterSigner(BigInteger privateKey, long accountIndex, int apiKeyIndex, long chainId)
    {
        if (privateKey.Sign <= 0 || privateKey >= EcgFp5Point.Order) throw new ArgumentException("the private key is not a scalar of the ECgFp5 group", nameof(privateKey));
        _privateKey = privateKey;
        AccountIndex = accountIndex;
        ApiKeyIndex = apiKeyIndex;
        ChainId = chainId;
        PublicKey = LighterSchnorr.PublicKey(privateKey);
    }

    public long AccountIndex { get; }

    public int ApiKeyIndex { get; }

    public long ChainId { get; }

    public Fp5 PublicKey { get; }

    /// <summary>The public key as the venue lists it (<c>GET /apikeys</c>): 80 lowercase hex characters.</summary>
    public string PublicKeyHex => Convert.ToHexStringLower(PublicKey.ToLittleEndianBytes());

    /// <summary>An API private key from its 80-hex-character form (0x optional); null with the reason otherwise.</summary>
    public static BigInteger? ParsePrivateKey(string text, out string? error)
    {
        var hex = text.Trim();
        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) hex = hex[2..];
        error = null;
        if (hex.Length != 2 * Fp5.ByteLength)
        {
            error = $"a Lighter API private key is 40 bytes, 80 hex characters; this one has {hex.Length}";
            return null;
        }
        byte[] bytes;
        try { bytes = Convert.FromHexString(hex); }
        catch (FormatException)
        {
            error = "a Lighter API private key is hexadecimal";
            return null;
        }
        var key = LighterSchnorr.ReadScalar(bytes);
        if (key.IsZero || key >= EcgFp5Point.Order)
        {
            error = "the key is not a scalar of the ECgFp5 group";
            return null;
        }
        return key;
    }

    /// <summary>The signed transaction: its tx_info, and its hash as the venue reports it (<c>tx_hash</c>).</summary>
    public (string TxInfo, string TxHash) Sign(LighterTx tx)
    {
        if (tx.AccountIndex != AccountIndex || tx.ApiKeyIndex != ApiKeyIndex) throw new ArgumentException("the transaction is for another account or API key", nameof(tx));
        var hash = tx.Hash(ChainId);
        return (tx.ToTxInfo(LighterSchnorr.Sign(hash, _privateKey)), Convert.ToHexStringLower(hash.ToLittleEndianBytes()));
    }

    /// <summary><c>{deadline}:{account}:{key}:{signature hex}</c>, valid until <paramref name="deadlineUnixSeconds"/> (at most 8 h ahead).</summary>
    public string AuthToken(long deadlineUnixSeconds)
    {
        var message = $"{deadlineUnixSeconds.ToString(CultureInfo.InvariantCulture)}:{AccountIndex.ToString(CultureInfo.InvariantCulture)}:{ApiKeyIndex.ToString(CultureInfo.InvariantCulture)}";
        return message + ":" + Convert.ToHexStringLower(LighterSchnorr.Sign(AuthMessageHash(message), _privateKey));
    }

    /// <summary>H5 of the message's bytes in 8-byte little-endian chunks, the last one zero-padded.</summary>
    public static Fp5 AuthMessageHash(string message)
    {
        var bytes = Encoding.UTF8.GetBytes(message);
        var padded = new byte[(bytes.Length + 7) / 8 * 8];
        bytes.CopyTo(padded, 0);
        var chunks = new ulong[padded.Length / 8];
        for (var i = 0; i < chunks.Length; i++) chunks[i] = BitConverter.ToUInt64(padded, 8 * i);
        return Poseidon2.HashToQuintic(chunks);
    }

    /// <summary>An auth token's parts when its signature verifies under <paramref name="publicKey"/>; null otherwise (the emulator's check).</summary>
    public static (long Deadline, long Account, int ApiKeyIndex)? VerifyAuthToken(string token, Fp5 publicKey)
    {
        var parts = token.Split(':');
        if (parts.Length != 4 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var deadline)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var account)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var key)
            || parts[3].Length != 2 * LighterSchnorr.SignatureLength)
            return null;
        byte[] signature;
        try { signature = Convert.FromHexString(parts[3]); }
        catch (FormatException) { return null; }
        var message = string.Join(':', parts[0], parts[1], parts[2]);
        return LighterSchnorr.Verify(publicKey, AuthMessageHash(message), signature) ? (deadline, account, key) : null;
    }
}
