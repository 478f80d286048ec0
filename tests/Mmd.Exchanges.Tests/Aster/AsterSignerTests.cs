using Mmd.Exchanges.Aster;
using Mmd.Exchanges.Shared;

namespace Mmd.Exchanges.Tests.Aster;

/// <summary>The published vectors of exchanges.md §2.8 (V1 from Aster's docs; V3 computed with ethers and @noble/curves).</summary>
public class AsterSignerTests
{
    private const string PrivateKey = "4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1";
    private const string Signer = "0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0";
    private const string VectorA = "symbol=ASTERUSDT&type=LIMIT&side=BUY&timeInForce=GTC&quantity=20&price=0.5&nonce=1748310859508867&signer=0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0";
    private const string VectorB = "nonce=1748310859508867&user=0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e&signer=0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0";

    private static AsterEip712Signer V3() => new(Convert.FromHexString(PrivateKey));

    [Fact]
    public void V1_Hmac_MatchesTheDocumentsVector()
    {
        var signer = new AsterHmacSigner("dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83", "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9");
        const string total = "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943";
        Assert.Equal("3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9", signer.Sign(total));
        // Query and body are concatenated as they are, nothing in between.
        Assert.Equal(signer.Sign(total), signer.Sign("symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1", "&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943"));
        Assert.True(signer.Verify(total, "", "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9"));
        Assert.False(signer.Verify(total + "1", "", "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9"));
    }

    [Fact]
    public void V3_TypeHashes_AndTheDomainSeparator_AreKeccak256_NotSha3()
    {
        Assert.Equal("c4cfb57eea370ef2a92403a7e865b2de262d7ca272333665b54ad7e6a602ef68", Convert.ToHexStringLower(Keccak256.Hash("Message(string msg)"u8)));
        Assert.Equal("a95d0a7a6f3f17fcebb0c2336645385ce79cde7523f71ab147fdb7f15e9f37f9", Convert.ToHexStringLower(AsterEip712Signer.DomainSeparator(1666)));
        Assert.NotEqual(AsterEip712Signer.DomainSeparator(1666), AsterEip712Signer.DomainSeparator(714));
        // keccak256("") is not SHA3-256("") (a7ffc6f8...).
        Assert.Equal("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470", Convert.ToHexStringLower(Keccak256.Hash([])));
    }

    [Fact]
    public void V3_TheDemoKey_IsTheDocumentedSignerAddress_Checksummed()
    {
        Assert.Equal(Signer, V3().SignerAddress);
    }

    [Theory]
    [InlineData(VectorA, "ed6fe2804fb7a74d857c73d838ce3722b0f44d2c023c24bca0acb2bdf0d56267",
        "0xd82a6784f5eff00b95ecb88145cf7a5fa6803ea6f67e0217262073da628750a742bb3ba555af418320e55029afe358957808d4f810d73ea663d9c91852cd6d941c")]
    [InlineData(VectorB, "f614a915ce064febf6fd86a96eac30fad2d7519e0a486b4552fa949cb635d2a8",
        "0x79f8910c6a2d14796480f5bc09492b9cf00e247bc53b2cc9b47e3b59dfe698b92e9e9a6853c210ae67ffa351b09d84a14a0585122f2fba2c90b2998e3e96e3b81b")]
    public void V3_DigestAndSignature_MatchTheVectors(string msg, string digest, string signature)
    {
        Assert.Equal(digest, Convert.ToHexStringLower(AsterEip712Signer.Digest(msg, AsterEip712Signer.DomainSeparator(1666))));
        Assert.Equal(signature, V3().Sign(msg));
    }

    [Fact]
    public void V3_TheVenueRecoversTheSigner_AndAnyChangeOrHighSOrOtherChain_DoesNotRecoverIt()
    {
        var signature = V3().Sign(VectorA);
        Assert.Equal(Signer, AsterEip712Signer.RecoverSigner(VectorA, signature, 1666));
        Assert.Equal(Signer, AsterEip712Signer.RecoverSigner(VectorA, signature[2..], 1666)); // without 0x
        Assert.NotEqual(Signer, AsterEip712Signer.RecoverSigner(VectorA.Replace("price=0.5", "price=0.6", StringComparison.Ordinal), signature, 1666));
        Assert.NotEqual(Signer, AsterEip712Signer.RecoverSigner(VectorA, signature, 714));
        Assert.Null(AsterEip712Signer.RecoverSigner(VectorA, signature[..^2] + "1d", 1666)); // v must be 27 or 28
        Assert.Null(AsterEip712Signer.RecoverSigner(VectorA, "0x1234", 1666));
        // The same signature with s replaced by n - s (high S, v flipped) is the malleable twin: refused.
        var bytes = Convert.FromHexString(signature[2..]);
        var n = new Org.BouncyCastle.Math.BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);
        var highS = n.Subtract(new Org.BouncyCastle.Math.BigInteger(1, bytes, 32, 32)).ToByteArrayUnsigned();
        highS = [.. new byte[32 - highS.Length], .. highS];
        var twin = "0x" + Convert.ToHexStringLower([.. bytes[..32], .. highS, (byte)(bytes[64] == 27 ? 28 : 27)]);
        Assert.Null(AsterEip712Signer.RecoverSigner(VectorA, twin, 1666));
    }

    [Fact]
    public void V3_EverySignature_IsLowS_AndItsRecoveryIdFindsTheSigner_WhicheverParityRHas()
    {
        var signer = V3();
        var halfN = new Org.BouncyCastle.Math.BigInteger("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0", 16);
        var vs = new HashSet<byte>();
        for (var i = 0; i < 64; i++)
        {
            var msg = $"symbol=SOLUSDT&quantity={i}&nonce={1748310859508867 + i}";
            var bytes = Convert.FromHexString(signer.Sign(msg)[2..]);
            Assert.True(new Org.BouncyCastle.Math.BigInteger(1, bytes, 32, 32).CompareTo(halfN) <= 0);
            vs.Add(bytes[64]);
            Assert.Equal(Signer, AsterEip712Signer.RecoverSigner(msg, "0x" + Convert.ToHexStringLower(bytes), 1666));
        }
        Assert.Equal(new byte[] { 27, 28 }, vs.Order()); // both recovery ids occurred
    }

    [Fact]
    public void V3_KeysThatAreNotSecp256k1Keys_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => new AsterEip712Signer(new byte[31]));
        Assert.Throws<ArgumentException>(() => new AsterEip712Signer(new byte[32]));
    }
}
