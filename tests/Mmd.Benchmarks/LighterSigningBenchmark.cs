using BenchmarkDotNet.Attributes;
using Mmd.Exchanges.Lighter;

namespace Mmd.Benchmarks;

/// <summary>
/// What signing one Lighter order costs (the Poseidon2 tx hash, then a Schnorr signature over ECgFp5: one k·G), its
/// parts apart, an auth token, and the venue's check (verify, the emulator's: s·G + e·PK).
/// </summary>
[MemoryDiagnoser]
public class LighterSigningBenchmark
{
    // The oracle key of exchanges.md §4.9.
    private readonly LighterSigner _signer = new(LighterSigner.ParsePrivateKey("0b8e0f63c24d8baacd9d29ad4e9a4b73c4a8d2bb8b16dc4fa9d7c2e1d3a8b1f0e8d3a4c5b6e7f001", out _)!.Value,
        12345, 5, 304);
    private LighterCreateOrderTx _order = null!;
    private Fp5 _hash;
    private byte[] _signature = [];
    private readonly Fp5 _a = new(123456789, 987654321, 5, 7, 11);
    private readonly Fp5 _b = new(0xFFFF_0000_1234, 42, 0, 99, 1);

    [GlobalSetup]
    public void Setup()
    {
        _order = new LighterCreateOrderTx(12345, 5, 1_783_955_882_578, 0, 0, 123, 1000, 405000, true, LighterCreateOrderTx.Limit,
            LighterCreateOrderTx.PostOnly, false, 0, 1_735_689_600_000);
        _hash = _order.Hash(304);
        _signature = LighterSchnorr.Sign(_hash, LighterSigner.ParsePrivateKey("0b8e0f63c24d8baacd9d29ad4e9a4b73c4a8d2bb8b16dc4fa9d7c2e1d3a8b1f0e8d3a4c5b6e7f001", out _)!.Value);
    }

    /// <summary>The whole of it, as a connector does before every order: hash, sign, tx_info.</summary>
    [Benchmark]
    public string SignOrder() => _signer.Sign(_order = _order with { Nonce = _order.Nonce + 1 }).TxInfo;

    /// <summary>The tx hash alone: two Poseidon2 permutations (16 elements).</summary>
    [Benchmark]
    public Fp5 HashOrder() => _order.Hash(304);

    [Benchmark]
    public string AuthToken() => _signer.AuthToken(1_764_800_000);

    [Benchmark]
    public bool VerifyOrder() => LighterSchnorr.Verify(_signer.PublicKey, _hash, _signature);

    /// <summary>k·G as signing takes it: the precomputed window table, and the general 4-bit window method it replaced.</summary>
    [Benchmark]
    public bool GeneratorMultipleByTable() => EcgFp5Generator.Multiply(_hash.ToInteger()).IsNeutral;

    [Benchmark]
    public bool GeneratorMultipleGeneral() => EcgFp5Point.Generator.Multiply(_hash.ToInteger()).IsNeutral;

    [Benchmark]
    public Fp5 QuinticProduct() => _a * _b;
}
