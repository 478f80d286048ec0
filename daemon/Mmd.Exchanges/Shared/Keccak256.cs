using Org.BouncyCastle.Crypto.Digests;

namespace Mmd.Exchanges.Shared;

/// <summary>
/// Keccak-256 as Ethereum and StarkNet use it: the original Keccak padding, not FIPS SHA3-256 (which .NET's SHA3_256 is).
/// </summary>
public static class Keccak256
{
    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var digest = new KeccakDigest(256);
        digest.BlockUpdate(data);
        var output = new byte[32];
        digest.DoFinal(output, 0);
        return output;
    }
}
