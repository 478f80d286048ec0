using BenchmarkDotNet.Attributes;
using Mmd.Exchanges.Aster;

namespace Mmd.Benchmarks;

/// <summary>What signing one Aster order costs, V3 (EIP-712, secp256k1) and V1 (HMAC); and the venue's V3 check (recovery).</summary>
[MemoryDiagnoser]
public class AsterSigningBenchmark
{
    // The demo key pair published in Aster's V3 docs.
    private readonly AsterRequestSigner _v3 = new(AsterCredentials.From(new Dictionary<string, string>
    {
        [AsterCredentials.UserVariable] = "0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e",
        [AsterCredentials.SignerVariable] = "0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0",
        [AsterCredentials.SignerKeyVariable] = "0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1",
    }, AsterSigning.V3), TimeProvider.System, TimeSpan.FromSeconds(5));

    private readonly AsterRequestSigner _v1 = new(AsterCredentials.From(new Dictionary<string, string>
    {
        [AsterCredentials.ApiKeyVariable] = "dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83",
        [AsterCredentials.SecretKeyVariable] = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9",
    }, AsterSigning.V1), TimeProvider.System, TimeSpan.FromSeconds(5));

    private const string Order = "symbol=SOLUSDT&side=BUY&type=LIMIT&timeInForce=GTX&quantity=0.5&price=149.87&newClientOrderId=mm_m1x2y3z4a5";
    private string _signed = "";

    [GlobalSetup]
    public void Setup() => _signed = _v3.Sign(Order).Parameters;

    [Benchmark]
    public string SignOrderV3() => _v3.Sign(Order).Parameters;

    [Benchmark]
    public string SignOrderV1() => _v1.Sign(Order).Parameters;

    [Benchmark]
    public string? RecoverSignerV3()
    {
        var at = _signed.IndexOf("&signature=", StringComparison.Ordinal);
        return AsterEip712Signer.RecoverSigner(_signed[..at], _signed[(at + 11)..], AsterEip712Signer.MainnetChainId);
    }
}
