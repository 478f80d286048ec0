using BenchmarkDotNet.Attributes;
using Mmd.Exchanges.Paradex;
using Mmd.Trading.Primitives;

namespace Mmd.Benchmarks;

/// <summary>
/// What signing one Paradex order costs (SNIP-12 hashing with Pedersen, then a STARK ECDSA signature with an RFC 6979
/// nonce), its parts apart, the BouncyCastle arithmetic they replaced, and the venue's check (verify, the emulator's).
/// </summary>
[MemoryDiagnoser]
public class ParadexSigningBenchmark
{
    // The published signing key of exchanges.md §3.7 and starknet-signing-cpp's account.
    private static readonly Org.BouncyCastle.Math.BigInteger Key = StarkTypedData.ParseNumber("0x3c1e9550e66958296d11b60f8e8e7a7ad990d07fa65d5f7652c4a6c87d4e3cc")!;
    private readonly ParadexSigner _signer = new(Key, StarkTypedData.ParseNumber("0x1f06d2232e3eb0d8bd4b9294a930d553f610a0d7b24bc52d9472c7bda478927")!,
        "PRIVATE_SN_PARACLEAR_MAINNET");
    private readonly Org.BouncyCastle.Math.BigInteger _domain = ParadexSigner.DomainHash("PRIVATE_SN_PARACLEAR_MAINNET");
    private Org.BouncyCastle.Math.BigInteger _hash = null!;
    private (Org.BouncyCastle.Math.BigInteger R, Org.BouncyCastle.Math.BigInteger S) _signature;
    private long _timestamp = 1_764_800_000_000;
    private readonly StarkField _fieldA = StarkField.From(Org.BouncyCastle.Math.BigInteger.ValueOf(123456789).Pow(7).Mod(StarkCurve.P));
    private readonly StarkField _fieldB = StarkField.From(Org.BouncyCastle.Math.BigInteger.ValueOf(987654321).Pow(7).Mod(StarkCurve.P));

    [GlobalSetup]
    public void Setup()
    {
        _hash = ParadexSigner.MessageHash(_domain, _signer.Account, ParadexSigner.OrderStructHash(_timestamp, "SOL-USD-PERP", Side.Buy, "LIMIT", 0.5m, 149.87m));
        _signature = StarkEcdsa.Sign(_hash, Key);
    }

    /// <summary>The whole of it, as the connector does before every order (a new timestamp each time, as in trading): nine
    /// Pedersen hashes, the signer having hashed the constant start of its message and of the order type once.</summary>
    [Benchmark]
    public string SignOrder() => _signer.SignOrder(++_timestamp, "SOL-USD-PERP", Side.Buy, "LIMIT", 0.5m, 149.87m);

    /// <summary>The order's message hashed from scratch, as the venue checks it: thirteen Pedersen hashes.</summary>
    [Benchmark]
    public Org.BouncyCastle.Math.BigInteger HashOrder() =>
        ParadexSigner.MessageHash(_domain, _signer.Account, ParadexSigner.OrderStructHash(++_timestamp, "SOL-USD-PERP", Side.Buy, "LIMIT", 0.5m, 149.87m));

    /// <summary>One Pedersen hash, of which an order's message takes thirteen.</summary>
    [Benchmark]
    public Org.BouncyCastle.Math.BigInteger Pedersen() => StarkCurve.Pedersen(_hash, _signer.Account);

    /// <summary>The same hash by BouncyCastle's general arithmetic (the reference the tables are tested against).</summary>
    [Benchmark]
    public Org.BouncyCastle.Math.BigInteger PedersenReference() => StarkCurve.PedersenReference(_hash, _signer.Account);

    /// <summary>x(k·G) as signing takes it: the signed-window table, and BouncyCastle's comb.</summary>
    [Benchmark]
    public Org.BouncyCastle.Math.BigInteger? GeneratorMultipleByTable() => StarkGenerator.TryMultiplyX(_hash);

    [Benchmark]
    public Org.BouncyCastle.Math.BigInteger GeneratorMultipleByComb() => StarkCurve.MultiplyG(_hash).AffineXCoord.ToBigInteger();

    [Benchmark]
    public int FieldProduct() => (_fieldA * _fieldB).GetHashCode();

    [Benchmark]
    public (Org.BouncyCastle.Math.BigInteger, Org.BouncyCastle.Math.BigInteger) SignHash() => StarkEcdsa.Sign(_hash, Key);

    [Benchmark]
    public bool VerifyOrder() => StarkEcdsa.Verify(_signer.PublicKey, _hash, _signature.R, _signature.S);
}
