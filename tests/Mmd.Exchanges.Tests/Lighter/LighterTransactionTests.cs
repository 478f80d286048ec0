using Mmd.Exchanges.Lighter;

namespace Mmd.Exchanges.Tests.Lighter;

/// <summary>
/// Transactions and auth tokens against the official signer's output (nautilus_trader's signing_tx_oracle.json and
/// signing_auth_token_oracle.json, made with lighter-python 1.1.2's Go signer; exchanges.md §4.9): the tx hashes are
/// deterministic and must match; the signatures are random, so the official ones must verify under the key we derive,
/// and ours must verify too.
/// </summary>
public class LighterTransactionTests
{
    private const string PrivateKey = "0b8e0f63c24d8baacd9d29ad4e9a4b73c4a8d2bb8b16dc4fa9d7c2e1d3a8b1f0e8d3a4c5b6e7f001";
    private const long Account = 12345;
    private const int ApiKey = 5;
    private const long TestnetChain = 300;

    private static LighterSigner Signer() => new(LighterSigner.ParsePrivateKey(PrivateKey, out _)!.Value, Account, ApiKey, TestnetChain);

    public static TheoryData<int, string, string> OfficialTransactions => new()
    {
        { 14, """{"AccountIndex":12345,"ApiKeyIndex":5,"MarketIndex":0,"ClientOrderIndex":123,"BaseAmount":1000,"Price":405000,"IsAsk":1,"Type":0,"TimeInForce":1,"ReduceOnly":0,"TriggerPrice":0,"OrderExpiry":1735689600000,"ExpiredAt":1783955882578,"Nonce":0,"Sig":"HKdUCOtwK3tCogu1bOEiEG9aoVMJhHC11Y0Hav8R0Ed9fhzT8O3eN5VQ0TqSeT672pf4MY+RGpJIEteFubunrkd/ZQU8UgOAeYIR1q3DYUg=","L2TxAttributes":null}""",
            "49c80b614c0b7db4082506262f431d63a4bb55a22dd19ad1b7221feef7b6b5f95d7f6427795c8743" },
        { 15, """{"AccountIndex":12345,"ApiKeyIndex":5,"MarketIndex":0,"Index":123,"ExpiredAt":1783955882579,"Nonce":2,"Sig":"1PTuC6wCzkSGwm5uPjSH0fAeX4WuGpmot6fyIdy2FCP3UbUKqv+OJRowOXTLAatC7LqjAT21BysFN9MNHrG+D8nuYNLfrG2nqTRlkMAuwCw=","L2TxAttributes":null}""",
            "af5392ddbeec7dfd443ef5e360a6ec641fd44bbcb69ff4a7f7368041af2898619e97169fc0539a21" },
        { 17, """{"AccountIndex":12345,"ApiKeyIndex":5,"MarketIndex":0,"Index":123,"BaseAmount":1100,"Price":410000,"TriggerPrice":0,"ExpiredAt":1783955882580,"Nonce":3,"Sig":"9PaAam+gA5yCb5YCxuLA4KMgjiiCkaL0xhaGWs4yxoPQBe7UXje2AdijnPioMsgTSQ17ceUK8V04QcAy1hEvhUfnCVKMfL3jMEwc0WJYilI=","L2TxAttributes":null}""",
            "62c7547aa0f4f9cd06f61a89da01ad0f32c5e6519cfde86cce4dd8d60ddbaeeb4a4c83cd1de333c6" },
        { 14, """{"AccountIndex":12345,"ApiKeyIndex":5,"MarketIndex":0,"ClientOrderIndex":200,"BaseAmount":1000,"Price":405000,"IsAsk":0,"Type":0,"TimeInForce":1,"ReduceOnly":1,"TriggerPrice":0,"OrderExpiry":1735689600000,"ExpiredAt":1783955882581,"Nonce":5,"Sig":"lHcOJJWSoq6+uhin0iU+p5/SZ4m88iBWxlWm4nhWq5Y7eDHaravuS7ZswLUIgvUIR6zKk0Fao7H0flGK6ONlxGYK7aFhnbfCF3X10/v+xx4=","L2TxAttributes":null}""",
            "085490c23e373594707239994b5ea61e50110e888911c6f17019139ac119889fc14960f885aefcd7" },
        { 14, """{"AccountIndex":12345,"ApiKeyIndex":5,"MarketIndex":0,"ClientOrderIndex":202,"BaseAmount":1000,"Price":390000,"IsAsk":1,"Type":2,"TimeInForce":0,"ReduceOnly":0,"TriggerPrice":395000,"OrderExpiry":1735689600000,"ExpiredAt":1783955882583,"Nonce":9,"Sig":"sozFM08YCFKo4Yf0oKlLrjcdYJNk1BYO1Yn1C3exoDwcb0Hts3FMI67iUaP3L78IcDUT/wzZQMbl8ZLatbGPt+0Oa0hzS4BjRdMsRvqGIBM=","L2TxAttributes":null}""",
            "d1dd4e17ab323688179f0c921daa3487fbbf529ae98304f20d51838b197734ebb4edb0d4235e107c" },
        { 14, """{"AccountIndex":12345,"ApiKeyIndex":5,"MarketIndex":0,"ClientOrderIndex":203,"BaseAmount":1000,"Price":390000,"IsAsk":1,"Type":3,"TimeInForce":1,"ReduceOnly":0,"TriggerPrice":395000,"OrderExpiry":1735689600000,"ExpiredAt":1783955882584,"Nonce":10,"Sig":"H1BdZ598N28a0eMr7/8uwEDs13JA8jB2Kv+kKvXfBwJw+Fll5EENBcFmui75bNRAYd9Mg2cauomMRpS6t1r41PdrY1fw50F0yGDo1QBAZHo=","L2TxAttributes":null}""",
            "fd9424ad8acff8ab009a0b818942de8b0a50125afb6c475f8f8f7799d47304179b29ddb951e64039" },
    };

    [Theory]
    [MemberData(nameof(OfficialTransactions))]
    public void OfficialTransaction_HashesAsPublished_ReserialisesByteForByte_AndItsSignatureVerifiesUnderOurKey(int txType, string txInfo, string txHash)
    {
        var tx = LighterTx.Parse(txType, txInfo, out var signature, out var error);
        Assert.True(tx is not null, error);
        var hash = tx.Hash(TestnetChain);
        Assert.Equal(txHash, Convert.ToHexStringLower(hash.ToLittleEndianBytes()));
        Assert.Equal(txInfo, tx.ToTxInfo(signature));
        Assert.True(LighterSchnorr.Verify(Signer().PublicKey, hash, signature));
        Assert.False(LighterSchnorr.Verify(Signer().PublicKey, tx.Hash(304), signature), "the chain id is part of the message");
    }

    [Fact]
    public void OurSignedOrder_MatchesTheOfficialTxInfoButForTheRandomSignature_AndVerifies()
    {
        var order = new LighterCreateOrderTx(Account, ApiKey, 1783955882578, 0, 0, 123, 1000, 405000, true, LighterCreateOrderTx.Limit,
            LighterCreateOrderTx.GoodTillTime, false, 0, 1735689600000);
        var signer = Signer();
        var (txInfo, txHash) = signer.Sign(order);
        Assert.Equal("49c80b614c0b7db4082506262f431d63a4bb55a22dd19ad1b7221feef7b6b5f95d7f6427795c8743", txHash);
        var parsed = LighterTx.Parse(14, txInfo, out var signature, out _);
        Assert.Equal(order, parsed);
        Assert.True(LighterSchnorr.Verify(signer.PublicKey, order.Hash(TestnetChain), signature));
        var official = (string)OfficialTransactions.First()[1];
        Assert.Equal(Without(official, "Sig"), Without(txInfo, "Sig"));
    }

    [Fact]
    public void CancelAll_HashesItsTimeInForceAndTime()
    {
        var now = new LighterCancelAllOrdersTx(Account, ApiKey, 1783955882578, 4, LighterCancelAllOrdersTx.Immediate, 0);
        var scheduled = now with { TimeInForce = LighterCancelAllOrdersTx.Scheduled, Time = 1783955882578 + 300_000 };
        Assert.NotEqual(now.Hash(TestnetChain), scheduled.Hash(TestnetChain));
        var (txInfo, _) = Signer().Sign(scheduled);
        Assert.StartsWith("""{"AccountIndex":12345,"ApiKeyIndex":5,"TimeInForce":1,"Time":1783956182578,"ExpiredAt":1783955882578,"Nonce":4,"Sig":""", txInfo);
        Assert.Equal(scheduled, LighterTx.Parse(16, txInfo, out _, out _));
    }

    [Fact]
    public void Parse_RefusesAttributesWithValues_AndAnUnknownType()
    {
        var official = (string)OfficialTransactions.First()[1];
        Assert.Null(LighterTx.Parse(14, official.Replace("\"L2TxAttributes\":null", "\"L2TxAttributes\":{\"4\":1}", StringComparison.Ordinal), out _, out var error));
        Assert.Contains("L2TxAttributes", error, StringComparison.Ordinal);
        Assert.NotNull(LighterTx.Parse(14, official.Replace("\"L2TxAttributes\":null", "\"L2TxAttributes\":{\"1\":0,\"2\":0,\"3\":0}", StringComparison.Ordinal), out _, out _));
        Assert.Null(LighterTx.Parse(20, official, out _, out error));
        Assert.Contains("20", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1700000000:12345:5:204483f057318ec80df9acd370b292a5c6b3e88f908a9268f10c7f928e8528448f292e56459de47741aaaaf403c64db19a9a0786ec0014afdefe0b3d1aced676cd061628d427f8519b28294cc35ebe54")]
    [InlineData("1777809907:12345:5:a6fa0cae9ed6840a89b7705bffea8bd02f95a318a99e4b3cc6df82d498b7c9179702bd636304cb58e62da059e75216644959fa57b07b332531b1c3b03583384ce9bba941050e75150aaee2e1c0a1ed01")]
    [InlineData("1999999999:12345:5:02d5c96208d2b71ef32efe005901c78666d57f90820dc77ec6c1f7eeb04639d7dd5f2d182c61a355f995b68d5f80f2e883aa5e298f4e95ad2f944673d6b6b4b17cb717e51d270033161ff386b022c57a")]
    [InlineData("1888888888:12345:0:b67e761fef785f5fc8a91fcf1370eeef7c7ee0228a621c6298944f7743ff79e44f435ce6485f15434b9185d55ecbfac5a838c649ab52d25d0584d702bde344a16e781da4559cba337e5c7489ea747b6b")]
    public void OfficialAuthToken_VerifiesUnderOurKey_AndNotOnceAltered(string token)
    {
        var parts = LighterSigner.VerifyAuthToken(token, Signer().PublicKey);
        Assert.NotNull(parts);
        Assert.Equal(Account, parts.Value.Account);
        Assert.Null(LighterSigner.VerifyAuthToken("2" + token[1..], Signer().PublicKey));
    }

    [Fact]
    public void AuthToken_HashesThePublishedMessage_AndOursVerifies()
    {
        Assert.Equal("44631ff3b4e5b020373f25fcde4f30e792657b481192049e670ea4068c00eefb31c40de65e7738c9",
            Convert.ToHexStringLower(LighterSigner.AuthMessageHash("1700000000:12345:5").ToLittleEndianBytes()));
        var token = Signer().AuthToken(1700000000);
        Assert.StartsWith("1700000000:12345:5:", token);
        Assert.Equal(19 + 160, token.Length);
        Assert.Equal((1700000000L, Account, ApiKey), LighterSigner.VerifyAuthToken(token, Signer().PublicKey));
    }

    [Fact]
    public void TheTestKeysPublicKey_IsTheOraclesKeysPublicKey() => Assert.Equal(Mmd.TestKit.LighterTestKeys.PublicKey, Signer().PublicKeyHex);

    [Theory]
    [InlineData("0b8e0f63c24d8baacd9d29ad4e9a4b73c4a8d2bb8b16dc4fa9d7c2e1d3a8b1f0", "40 bytes, 80 hex characters; this one has 64")]
    [InlineData("zz8e0f63c24d8baacd9d29ad4e9a4b73c4a8d2bb8b16dc4fa9d7c2e1d3a8b1f0e8d3a4c5b6e7f001", "hexadecimal")]
    [InlineData("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "not a scalar")]
    public void ParsePrivateKey_RefusesWhatIsNotAnApiKey_WithTheReason(string key, string reason)
    {
        Assert.Null(LighterSigner.ParsePrivateKey(key, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.NotNull(LighterSigner.ParsePrivateKey("0x" + PrivateKey, out _));
    }

    private static string Without(string txInfo, string key)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(txInfo)!.AsObject();
        node.Remove(key);
        return node.ToJsonString();
    }
}
