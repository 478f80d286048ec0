using System.Numerics;
using System.Text;
using Mmd.Exchanges.Lighter;

namespace Mmd.Exchanges.Tests.Lighter;

/// <summary>
/// The published Lighter vectors of exchanges.md §4.5 and §4.9: elliottech/poseidon_crypto's Poseidon2 and Schnorr
/// tests, and the fixed-nonce signatures and keys nautilus_trader generated from the official signer.
/// </summary>
public class LighterCryptoTests
{
    private static Fp5 Element(string hex) => Fp5.FromLittleEndianBytes(Convert.FromHexString(hex)) ?? throw new ArgumentException(hex);

    private static BigInteger Scalar(string hex) => LighterSchnorr.ReadScalar(Convert.FromHexString(hex));

    [Fact]
    public void Permute_MatchesPoseidonCryptosTestPermute()
    {
        ulong[] state = [5417613058500526590, 2481548824842427254, 6473243198879784792, 1720313757066167274, 2806320291675974571, 7407976414706455446,
            1105257841424046885, 7613435757403328049, 3376066686066811538, 5888575799323675710, 6689309723188675948, 2468250420241012720];
        Poseidon2.Permute(state);
        Assert.Equal([5364184781011389007, 15309475861242939136, 5983386513087443499, 886942118604446276, 14903657885227062600, 7742650891575941298,
            1962182278500985790, 10213480816595178755, 3510799061817443836, 4610029967627506430, 7566382334276534836, 2288460879362380348], state);
    }

    [Fact]
    public void Permute_OfZeros_BeginsAsPublished()
    {
        var state = new ulong[12];
        Poseidon2.Permute(state);
        var bytes = new byte[16];
        BitConverter.TryWriteBytes(bytes, state[0]);
        BitConverter.TryWriteBytes(bytes.AsSpan(8), state[1]);
        Assert.Equal("1cc3145a75f1ab638273d45f3c163881", Convert.ToHexStringLower(bytes));
    }

    [Fact]
    public void HashToQuintic_MatchesPoseidonCryptosVectorAndNautilussSingleLimbVector()
    {
        ulong[] input = [3451004116618606032, 11263134342958518251, 10957204882857370932, 5369763041201481933, 7695734348563036858, 1393419330378128434, 7387917082382606332];
        Assert.Equal(new Fp5(17992684813643984528, 5243896189906434327, 7705560276311184368, 2785244775876017560, 14449776097783372302), Poseidon2.HashToQuintic(input));

        ulong[] limb = [BitConverter.ToUInt64(Convert.FromHexString("b5d4c7b096d66c52"))];
        Assert.Equal("d7daa28defb7c6dbd1437bc4d0b70223fcd8cd54b142d7434a48b8e3016cff2f5367a7b886e92a62",
            Convert.ToHexStringLower(Poseidon2.HashToQuintic(limb).ToLittleEndianBytes()));
    }

    [Fact]
    public void HashToQuintic_OfMoreThanOneChunk_OverwritesTheRateAndKeepsTheCapacity()
    {
        // The auth token's message spans one chunk; a 12-element input spans two: the second chunk's four elements
        // overwrite state[0..4] only. A hash that zeroed the rest of the rate would differ.
        var twelve = Enumerable.Range(1, 12).Select(i => (ulong)i).ToArray();
        var state = new ulong[12];
        twelve.AsSpan(0, 8).CopyTo(state);
        Poseidon2.Permute(state);
        twelve.AsSpan(8, 4).CopyTo(state);
        Poseidon2.Permute(state);
        Assert.Equal(new Fp5(state[0], state[1], state[2], state[3], state[4]), Poseidon2.HashToQuintic(twelve));
    }

    [Fact]
    public void Fp5_InverseSquareRootAndLegendre_AreConsistent()
    {
        var random = new Random(4);
        for (var i = 0; i < 20; i++)
        {
            var x = new Fp5(NextLimb(random), NextLimb(random), NextLimb(random), NextLimb(random), NextLimb(random));
            Assert.Equal(Fp5.One, x * x.Inverse());
            var square = x.Square();
            Assert.Equal(1ul, square.Legendre());
            var root = square.SquareRoot();
            Assert.NotNull(root);
            Assert.Equal(square, root.Value.Square());
            if (x.Legendre() != 1) Assert.Null(x.SquareRoot());
        }
        Assert.Equal(Fp5.Zero, Fp5.Zero.Inverse());
    }

    [Fact]
    public void Goldilocks_Arithmetic_AgreesWithBigIntegers()
    {
        var p = new BigInteger(Goldilocks.P);
        var random = new Random(64);
        ulong[] edges = [0, 1, 2, Goldilocks.P - 1, Goldilocks.P - 2, 0xFFFF_FFFF, 0x1_0000_0000, Goldilocks.P >> 1];
        var values = edges.Concat(Enumerable.Range(0, 60).Select(_ => NextLimb(random))).ToArray();
        for (var i = 0; i < values.Length; i++)
        {
            var (a, b) = (values[i], values[(i * 5 + 3) % values.Length]);
            Assert.Equal((ulong)((a + (BigInteger)b) % p), Goldilocks.Add(a, b));
            Assert.Equal((ulong)(((a - (BigInteger)b) % p + p) % p), Goldilocks.Sub(a, b));
            Assert.Equal((ulong)((a * (BigInteger)b) % p), Goldilocks.Multiply(a, b));
            var high = random.NextInt64() * 3 + random.Next();
            Assert.Equal((ulong)((((BigInteger)(ulong)high << 64) + a) % p), Goldilocks.Reduce((ulong)high, a));
        }
    }

    [Theory]
    [InlineData("4980df1a5a76cba9fef4d80446e951108e16a5b21f497976475c950bd2588c5a58771d5b06498d28", "2db191eb16d3314974f8708363909aeee607d06fb743156b18d3b353a5d40fef70ae377dd68d06fe")]
    [InlineData("01000000000000000000000000000000000000000000000000000000000000000000000000000000", "04000000000000000000000000000000000000000000000000000000000000000000000000000000")]
    public void PublicKey_MatchesTheKeygenVectors(string privateKey, string publicKey)
    {
        Assert.Equal(publicKey, Convert.ToHexStringLower(LighterSchnorr.PublicKey(Scalar(privateKey)).ToLittleEndianBytes()));
    }

    [Theory]
    [InlineData("4980df1a5a76cba9fef4d80446e951108e16a5b21f497976475c950bd2588c5a58771d5b06498d28",
        "4b1047aff6018e74d095f1655d639d99192e1b447abe1087078612814b88ddfabc53f279194014ee",
        "5866d18f345acc487b5bfbc92bb1a3d2351628e54cd41a3d47e351fa62c16bd454075f200178017c",
        "22794fdf937575606fc2b233d1b565ee085991dc9a68d598989a3e2f76b338e4914e79f85259a45125468abb012d123fe4d13619c90e053a3749737b72c8f9294e8db2469e832ed664b6afcc65bb055e")]
    [InlineData("01000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "00000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "01000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "ef712b296927fd6e9f35c526fe8f968190578c0b32df888b69cb1c9c62682d357093bebf3f896b32f38d606b2db21279fd6a5fb03bccf166a9ae2bc4b42077f4ac34e3638e97d24a976c41c0bd76944d")]
    public void Sign_WithAFixedNonce_MatchesTheVectors_AndVerifies(string privateKey, string message, string nonce, string signature)
    {
        var sk = Scalar(privateKey);
        var signed = LighterSchnorr.Sign(Element(message), sk, Scalar(nonce));
        Assert.Equal(signature, Convert.ToHexStringLower(signed));
        Assert.True(LighterSchnorr.Verify(LighterSchnorr.PublicKey(sk), Element(message), signed));
    }

    [Fact]
    public void Sign_WithARandomNonce_Verifies_AndFailsForAnotherMessageKeyOrAlteredSignature()
    {
        var sk = Scalar("4980df1a5a76cba9fef4d80446e951108e16a5b21f497976475c950bd2588c5a58771d5b06498d28");
        var pk = LighterSchnorr.PublicKey(sk);
        var message = new Fp5(1, 2, 3, 4, 5);
        var first = LighterSchnorr.Sign(message, sk);
        var second = LighterSchnorr.Sign(message, sk);
        Assert.NotEqual(first, second);
        Assert.True(LighterSchnorr.Verify(pk, message, first));
        Assert.True(LighterSchnorr.Verify(pk, message, second));
        Assert.False(LighterSchnorr.Verify(pk, new Fp5(1, 2, 3, 4, 6), first));
        Assert.False(LighterSchnorr.Verify(LighterSchnorr.PublicKey(sk + 1), message, first));
        var altered = (byte[])first.Clone();
        altered[3] ^= 1;
        Assert.False(LighterSchnorr.Verify(pk, message, altered));
        Assert.False(LighterSchnorr.Verify(pk, message, first.AsSpan(0, 79)));
    }

    [Fact]
    public void ScalarMultiples_AgreeWithRepeatedAddition_AndTheOrderAnnihilatesTheGenerator()
    {
        var g = EcgFp5Point.Generator;
        var sum = EcgFp5Point.Neutral;
        for (var k = 0; k < 40; k++)
        {
            Assert.True(g.Multiply(k).SameAs(sum), $"{k}·G");
            sum = sum.Add(g);
        }
        Assert.True(g.Multiply(EcgFp5Point.Order).IsNeutral);
        Assert.True(g.Multiply(EcgFp5Point.Order - 1).Add(g).IsNeutral);
        var random = new Random(9);
        for (var i = 0; i < 5; i++)
        {
            var bytes = new byte[40];
            random.NextBytes(bytes);
            var a = new BigInteger(bytes, isUnsigned: true) % EcgFp5Point.Order;
            var b = new BigInteger(bytes.AsSpan(0, 20), isUnsigned: true);
            Assert.True(g.Multiply(a).Add(g.Multiply(b)).SameAs(g.Multiply(a + b)));
            Assert.True(g.Multiply(a).Multiply(b).SameAs(g.Multiply(a * b)));
        }
    }

    [Fact]
    public void GeneratorMultiples_ByTheTable_AgreeWithTheGeneralMethod_ForEdgeAndRandomScalars()
    {
        var n = EcgFp5Point.Order;
        var random = new Random(17);
        var scalars = new[] { BigInteger.Zero, BigInteger.One, 15, 16, 17, 255, 256, n - 1, n - 2, n - 16, BigInteger.Pow(2, 318), BigInteger.Pow(2, 318) - 1 }
            .Concat(Enumerable.Range(0, 30).Select(_ =>
            {
                var bytes = new byte[40];
                random.NextBytes(bytes);
                return new BigInteger(bytes, isUnsigned: true) % n;
            }));
        foreach (var k in scalars)
            Assert.True(EcgFp5Generator.Multiply(k).SameAs(EcgFp5Point.Generator.Multiply(k)), $"{k}·G");
        Assert.True(EcgFp5Generator.Multiply(0).IsNeutral);
    }

    [Fact]
    public void Fp5_Product_AgreesWithPolynomialArithmetic_WhereTheSumsCarry()
    {
        var p = new BigInteger(Goldilocks.P);
        var random = new Random(5);
        var max = Goldilocks.P - 1;
        var cases = new List<(Fp5, Fp5)> { (new Fp5(max, max, max, max, max), new Fp5(max, max, max, max, max)), (new Fp5(max, 0, max, 0, max), new Fp5(max, max, 1, max, max)) };
        for (var i = 0; i < 30; i++)
            cases.Add((new Fp5(NextLimb(random), NextLimb(random), NextLimb(random), NextLimb(random), NextLimb(random)),
                new Fp5(NextLimb(random), NextLimb(random), NextLimb(random), NextLimb(random), NextLimb(random))));
        foreach (var (a, b) in cases)
        {
            var expected = new BigInteger[5];
            for (var i = 0; i < 5; i++)
            for (var j = 0; j < 5; j++)
            {
                var term = (BigInteger)a[i] * b[j];
                expected[(i + j) % 5] += i + j >= 5 ? 3 * term : term;
            }
            var product = a * b;
            for (var k = 0; k < 5; k++) Assert.Equal((ulong)(expected[k] % p), product[k]);
        }
    }

    [Fact]
    public void Decode_InvertsEncode_AndRefusesAnElementThatEncodesNoPoint()
    {
        var random = new Random(3);
        var refused = 0;
        for (var i = 1; i < 12; i++)
        {
            var point = EcgFp5Point.Generator.Multiply(new BigInteger(random.NextInt64()) * i);
            var decoded = EcgFp5Point.Decode(point.Encode());
            Assert.NotNull(decoded);
            Assert.True(decoded.Value.SameAs(point));
            if (EcgFp5Point.Decode(new Fp5(NextLimb(random), NextLimb(random), 0, 0, 0)) is null) refused++;
        }
        Assert.True(EcgFp5Point.Decode(Fp5.Zero)!.Value.IsNeutral);
        Assert.True(refused > 0, "about half of all elements encode no point");
    }

    private static ulong NextLimb(Random random) => (ulong)random.NextInt64() % Goldilocks.P;
}
