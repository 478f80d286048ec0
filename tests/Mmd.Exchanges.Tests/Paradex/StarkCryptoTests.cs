using Mmd.Exchanges.Paradex;
using Mmd.Trading.Primitives;
using Org.BouncyCastle.Math;

namespace Mmd.Exchanges.Tests.Paradex;

/// <summary>The published StarkNet vectors of exchanges.md §3.7: StarkWare's Pedersen and ECDSA, SNIP-12's "Mail" example, and Paradex's own.</summary>
public class StarkCryptoTests
{
    private static BigInteger H(string hex) => new(hex.StartsWith("0x", StringComparison.Ordinal) ? hex[2..] : hex, 16);

    [Theory]
    [InlineData("0x0", "0x0", "0x49ee3eba8c1600700ee1b87eb599f16716b0b1022947733551fde4050ca6804")]
    [InlineData("0x3d937c035c878245caf64531a5756109c53068da139362728feb561405371cb", "0x208a0a10250e382e1e4bbe2880906c2791bf6275695e02fbbc6aeff9cd8b31a",
        "0x30e480bed5fe53fa909cc0f8c4d99b8f9f2c016be4c41e13a4848797979c662")]
    [InlineData("0x58f580910a6ca59b28927c08fe6c43e2e303ca384badc365795fc645d479d45", "0x78734f65a067be9bdb39de18434d71e79f7b6466a4b66bbd979ab9e7515fe0b",
        "0x68cc0b76cddd1dd4ed2301ada9b7c872b23875d5ff837b3a87993e0d9996b87")]
    public void Pedersen_MatchesStarkWaresVectors(string a, string b, string expected)
    {
        Assert.Equal(H(expected), StarkCurve.Pedersen(H(a), H(b)));
    }

    [Fact]
    public void Pedersen_ByTables_AgreesWithBouncyCastlesArithmetic_OnEdgesAndRandomFelts()
    {
        var p = StarkCurve.P;
        var edges = new[] { BigInteger.Zero, BigInteger.One, p.Subtract(BigInteger.One), BigInteger.One.ShiftLeft(248).Subtract(BigInteger.One), BigInteger.One.ShiftLeft(248),
            BigInteger.One.ShiftLeft(251), BigInteger.One.ShiftLeft(251).Add(BigInteger.One.ShiftLeft(192)) };
        var random = new Random(20261204);
        var felts = edges.Concat(Enumerable.Range(0, 40).Select(_ =>
        {
            var bytes = new byte[32];
            random.NextBytes(bytes);
            return new BigInteger(1, bytes).Mod(p);
        })).ToList();
        for (var i = 0; i < felts.Count; i++)
        {
            var (a, b) = (felts[i], felts[(i * 7 + 3) % felts.Count]);
            Assert.Equal(StarkCurve.PedersenReference(a, b), StarkCurve.Pedersen(a, b));
        }
    }

    [Fact]
    public void GeneratorMultiples_ByTheSignedWindowTable_AgreeWithBouncyCastlesComb_ForOddEvenAndEdgeNonces()
    {
        var n = StarkCurve.N;
        var random = new Random(11);
        var nonces = new[] { BigInteger.One, BigInteger.Two, BigInteger.ValueOf(15), BigInteger.ValueOf(16), BigInteger.ValueOf(17), n.Subtract(BigInteger.One), n.Subtract(BigInteger.Two),
            BigInteger.One.ShiftLeft(251), BigInteger.One.ShiftLeft(251).Subtract(BigInteger.One) }.Concat(Enumerable.Range(0, 40).Select(_ =>
        {
            var bytes = new byte[32];
            random.NextBytes(bytes);
            return new BigInteger(1, bytes).Mod(n.Subtract(BigInteger.One)).Add(BigInteger.One);
        }));
        foreach (var k in nonces)
            Assert.Equal(StarkCurve.MultiplyG(k).AffineXCoord.ToBigInteger(), StarkGenerator.TryMultiplyX(k));
    }

    [Fact]
    public void StarkField_Arithmetic_AgreesWithBigIntegers()
    {
        var p = StarkCurve.P;
        var random = new Random(7);
        for (var n = 0; n < 200; n++)
        {
            var bytes = new byte[32];
            random.NextBytes(bytes);
            var a = new BigInteger(1, bytes).Mod(p);
            random.NextBytes(bytes);
            var b = n % 10 == 0 ? p.Subtract(BigInteger.One) : new BigInteger(1, bytes).Mod(p);
            var (fa, fb) = (StarkField.From(a), StarkField.From(b));
            Assert.Equal(a, fa.ToBigInteger());
            Assert.Equal(a.Add(b).Mod(p), (fa + fb).ToBigInteger());
            Assert.Equal(a.Subtract(b).Mod(p), (fa - fb).ToBigInteger());
            Assert.Equal(a.Multiply(b).Mod(p), (fa * fb).ToBigInteger());
            if (a.SignValue != 0) Assert.Equal(BigInteger.One, (fa * fa.Inverse()).ToBigInteger());
        }
    }

    [Fact]
    public void Pedersen_RefusesAnythingOutsideTheField()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StarkCurve.Pedersen(StarkCurve.P, BigInteger.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => StarkCurve.Pedersen(BigInteger.Zero, BigInteger.One.Negate()));
    }

    [Theory]
    [InlineData("0x03c1e9550e66958296d11b60f8e8e7a7ad990d07fa65d5f7652c4a6c87d4e3cc", "0x077a3b314db07c45076d11f62b6f9e748a39790441823307743cf00d6597ea43")]
    [InlineData("0x12", "0x019661066e96a8b9f06a1d136881ee924dfb6a885239caa5fd3f87a54c6b25c4")]
    public void PublicKey_MatchesStarkWaresVectors(string privateKey, string publicKey)
    {
        Assert.Equal(H(publicKey), StarkEcdsa.PublicKey(H(privateKey)));
    }

    [Fact]
    public void Verify_MatchesStarkWaresVectors()
    {
        Assert.True(StarkEcdsa.Verify(H("0x01ef15c18599971b7beced415a40f0c7deacfd9b0d1819e03d723d8bc943cfca"), H("0x2"),
            H("0x0411494b501a98abd8262b0da1351e17899a0c4ef23dd2f96fec5ba847310b20"), H("0x0405c3191ab3883ef2b763af35bc5f5d15b3b4e99461d70e84c654a351a7c81b")));
        Assert.False(StarkEcdsa.Verify(H("0x077a4b314db07c45076d11f62b6f9e748a39790441823307743cf00d6597ea43"),
            H("0x0397e76d1667c4454bfb83514e120583af836f8e32a516765497823eabe16a3f"),
            H("0x0173fd03d8b008ee7432977ac27d1e9d1a1f6c98b1a2f05fa84a21c84c44e882"), H("0x01f2c44a7798f55192f153b4c48ea5c1241fbb69e6132cc8a0da9c5b62a4286e")));
        // A key that is no curve point's x verifies nothing.
        Assert.Null(StarkCurve.PointWithX(H("0x03ee9bffffffffff26ffffffff60ffffffffffffffffffffffffffff004accff")));
        Assert.False(StarkEcdsa.Verify(H("0x03ee9bffffffffff26ffffffff60ffffffffffffffffffffffffffff004accff"), H("0x2"),
            H("0x0411494b501a98abd8262b0da1351e17899a0c4ef23dd2f96fec5ba847310b20"), H("0x0405c3191ab3883ef2b763af35bc5f5d15b3b4e99461d70e84c654a351a7c81b")));
    }

    [Fact]
    public void Sign_IsDeterministic_AndMatchesStarknetJs()
    {
        var privateKey = H("0x3c1e9550e66958296d11b60f8e8e7a7ad990d07fa65d5f7652c4a6c87d4e3cc");
        var z = H("0x397e76d1667c4454bfb83514e120583af836f8e32a516765497823eabe16a3f");
        var (r, s) = StarkEcdsa.Sign(z, privateKey);
        Assert.Equal(H("0x173fd03d8b008ee7432977ac27d1e9d1a1f6c98b1a2f05fa84a21c84c44e882"), r);
        Assert.Equal(H("0x4b6d75385aed025aa222f28a0adc6d58db78ff17e51c3f59e259b131cd5a1cc"), s);
        Assert.True(StarkEcdsa.Verify(StarkEcdsa.PublicKey(privateKey), z, r, s));
        Assert.False(StarkEcdsa.Verify(StarkEcdsa.PublicKey(privateKey), z.Add(BigInteger.One), r, s));
        Assert.False(StarkEcdsa.Verify(StarkEcdsa.PublicKey(privateKey), z, r, s.Add(BigInteger.One)));
    }

    [Fact]
    public void Nonce_WithoutSeed_MatchesStarknetRsRfc6979Vector()
    {
        var k = StarkEcdsa.Nonces(H("01e20f779df440c3fca66a3ede6f43c68ba60222b23f893854f55c5138c77a1c"),
            H("01856e6d1c3ce0a34ab04992b4a8d8d9ef756a4044bfc0a5f8068013f829ee17")).First();
        Assert.Equal(H("01bdbdc2db77b6dad0c9bdaca20acb5a78a61200c711cc2dcaeebcb86f9ef1ca"), k);
    }

    [Fact]
    public void Sign_RefusesAMessageHashOf251BitsOrMore_AndAKeyOutsideTheOrder()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StarkEcdsa.Sign(StarkCurve.ElementBound, BigInteger.Two));
        Assert.Throws<ArgumentOutOfRangeException>(() => StarkEcdsa.Sign(BigInteger.One, StarkCurve.N));
        Assert.Throws<ArgumentOutOfRangeException>(() => StarkEcdsa.PublicKey(BigInteger.Zero));
    }

    [Fact]
    public void TypedData_TheMailExample_MatchesSnip12Rev0()
    {
        Assert.Equal(H("0x1bfc207425a47a5dfa1a50a4f5241203f50624ca5fdf5e18755765416b8e288"),
            StarkTypedData.TypeHash("StarkNetDomain(name:felt,version:felt,chainId:felt)"));
        var person = StarkTypedData.TypeHash("Person(name:felt,wallet:felt)");
        var mail = StarkTypedData.TypeHash("Mail(from:Person,to:Person,contents:felt)Person(name:felt,wallet:felt)");
        Assert.Equal(H("0x2896dbe4b96a67110f454c01e5336edc5bbc3635537efd690f122f4809cc855"), person);
        Assert.Equal(H("0x13d89452df9512bf750f539ba3001b945576243288137ddb6c788457d4b2f79"), mail);

        var domain = StarkTypedData.StructHash(StarkTypedData.TypeHash("StarkNetDomain(name:felt,version:felt,chainId:felt)"),
            StarkTypedData.Felt("StarkNet Mail"), StarkTypedData.Felt("1"), StarkTypedData.Felt("1"));
        Assert.Equal(H("0x54833b121883a3e3aebff48ec08a962f5742e5f7b973469c1f8f4f55d470b07"), domain);

        var from = StarkTypedData.StructHash(person, StarkTypedData.Felt("Cow"), StarkTypedData.Felt("0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"));
        var to = StarkTypedData.StructHash(person, StarkTypedData.Felt("Bob"), StarkTypedData.Felt("0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"));
        var message = StarkTypedData.StructHash(mail, from, to, StarkTypedData.Felt("Hello, Bob!"));
        Assert.Equal(H("0x6fcff244f63e38b9d88b9e3378d44757710d1b244282b435cb472053c8d78d0"),
            StarkTypedData.MessageHash(domain, H("0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"), message));
    }

    [Fact]
    public void TypedData_FeltsParseAsStarknetPyDoes()
    {
        Assert.Equal(BigInteger.ValueOf(1690186431033), StarkTypedData.Felt("1690186431033"));
        Assert.Equal(H("0x50617261646578"), StarkTypedData.Felt("Paradex"));
        Assert.Equal(BigInteger.Zero, StarkTypedData.Felt(""));
        Assert.Equal(H("0xff"), StarkTypedData.Felt("0xff"));
        Assert.Throws<ArgumentException>(() => StarkTypedData.ShortString(new string('a', 32)));
    }

    // tradeparadex/starknet-signing-cpp tests, chain PRIVATE_SN_POTC_GOERLI.
    private const string Goerli = "PRIVATE_SN_POTC_GOERLI";

    [Fact]
    public void Paradex_DomainAndTypeHashes_MatchStarknetSigningCpp()
    {
        Assert.Equal(H("0x505249564154455f534e5f504f54435f474f45524c49"), StarkTypedData.ShortString(Goerli));
        Assert.Equal(H("0x98d1932052fc5137543de5ed85b7a88555a4cd1ff5d5bfedb62ed9b9a1f0db"),
            StarkTypedData.TypeHash("StarkNetDomain(name:felt,chainId:felt,version:felt)"));
        Assert.Equal(H("0xa56d5225b97b257c15ae2cb1cc0ea605381a886cd75463db45fd2ef9fbc255"),
            StarkTypedData.TypeHash("Order(timestamp:felt,market:felt,side:felt,orderType:felt,size:felt,price:felt)"));
        Assert.Equal(H("0x186cdef6b179923c411c13c11b8a825f12bf34203bdda0a984da9d6f2313c2"),
            StarkTypedData.TypeHash("Request(method:felt,path:felt,body:felt,timestamp:felt,expiration:felt)"));
        Assert.Equal(H("0x6a9f6f5d2b1c9ad4528a1eb8f357fc7e51f5c01ad09120d46075023164bd1c4"), ParadexSigner.DomainHash(Goerli));
    }

    [Fact]
    public void Paradex_OrderAndAuthHashes_MatchStarknetSigningCpp()
    {
        Assert.Equal(H("0x067a4beeeff01460f2fab511a313b2971514b0e433981cdca8ad146f7cb7191e"),
            ParadexSigner.OrderStructHash(1690186431033, "ETH-USD-PERP", Side.Buy, "MARKET", 0.1m, null));
        var account = H("0x1F06D2232E3EB0D8BD4B9294A930D553F610A0D7B24BC52D9472C7BDA478927");
        Assert.Equal(H("0x02ff954a62a6191411aa051588c65a4ac37690ce781bb345bb886ac947630e5b"),
            ParadexSigner.MessageHash(ParadexSigner.DomainHash(Goerli), account,
                ParadexSigner.OrderStructHash(1690187319619, "ETH-USD-PERP", Side.Buy, "MARKET", 0.1m, null)));
        Assert.Equal(H("0x0069cb5c6ea69984c70005d0a56c2198c693aade9e7611686d517e6e71ecaad3"), ParadexSigner.AuthStructHash(1690186758, 1690273158));
    }

    [Fact]
    public void Paradex_ChainAmounts_AreEightDecimalFixedPoint_AndRefuseMorePrecision()
    {
        Assert.Equal(BigInteger.ValueOf(10_000_000), ParadexSigner.ChainAmount(0.1m));
        Assert.Equal(BigInteger.ValueOf(150_000_000_000), ParadexSigner.ChainAmount(1500m));
        Assert.Equal(BigInteger.ValueOf(1), ParadexSigner.ChainAmount(0.00000001m));
        Assert.Throws<ArgumentException>(() => ParadexSigner.ChainAmount(0.000000001m));
    }

    [Fact]
    public void Paradex_SignedOrder_VerifiesForTheKeyAndNotForAnotherOrder()
    {
        var account = H("0x1F06D2232E3EB0D8BD4B9294A930D553F610A0D7B24BC52D9472C7BDA478927");
        var signer = new ParadexSigner(H("0x3c1e9550e66958296d11b60f8e8e7a7ad990d07fa65d5f7652c4a6c87d4e3cc"), account, Goerli);
        var header = signer.SignOrder(1690187319619, "ETH-USD-PERP", Side.Sell, "LIMIT", 0.1m, 1500.5m);
        Assert.Matches("^\\[\"[0-9]+\",\"[0-9]+\"\\]$", header);
        var (r, s) = ParadexSigner.ParseSignature(header)!.Value;
        var hash = ParadexSigner.MessageHash(ParadexSigner.DomainHash(Goerli), account,
            ParadexSigner.OrderStructHash(1690187319619, "ETH-USD-PERP", Side.Sell, "LIMIT", 0.1m, 1500.5m));
        Assert.True(StarkEcdsa.Verify(signer.PublicKey, hash, r, s));
        var other = ParadexSigner.MessageHash(ParadexSigner.DomainHash(Goerli), account,
            ParadexSigner.OrderStructHash(1690187319619, "ETH-USD-PERP", Side.Sell, "LIMIT", 0.1m, 1500.6m));
        Assert.False(StarkEcdsa.Verify(signer.PublicKey, other, r, s));
        Assert.Equal(header, signer.SignOrder(1690187319619, "ETH-USD-PERP", Side.Sell, "LIMIT", 0.1m, 1500.5m)); // RFC 6979: deterministic
        Assert.Null(ParadexSigner.ParseSignature("[\"1\"]"));
        Assert.Null(ParadexSigner.ParseSignature("not json"));
    }
}
