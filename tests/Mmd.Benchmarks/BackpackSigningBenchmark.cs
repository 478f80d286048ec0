using BenchmarkDotNet.Attributes;
using Mmd.Exchanges.Backpack;

namespace Mmd.Benchmarks;

/// <summary>What signing one Backpack order costs: the canonical string and the Ed25519 signature.</summary>
[MemoryDiagnoser]
public class BackpackSigningBenchmark
{
    private readonly BackpackSigner _signer = new(BackpackCredentials.Parse(Mmd.TestKit.BackpackTestKeys.ApiKey, Mmd.TestKit.BackpackTestKeys.Secret));
    private readonly BackpackParameter[] _order =
    [
        BackpackParameter.Text("symbol", "SOL_USDC_PERP"), BackpackParameter.Text("side", "Bid"), BackpackParameter.Text("orderType", "Limit"),
        BackpackParameter.Amount("quantity", 0.5m), BackpackParameter.Number("clientId", 123456789), BackpackParameter.Amount("price", 149.87m),
        BackpackParameter.Text("timeInForce", "GTC"), BackpackParameter.Flag("postOnly", true),
    ];

    [Benchmark]
    public string SigningString() => BackpackSigner.SigningString("orderExecute", _order, 1_790_000_000_000, 5000);

    [Benchmark]
    public string SignOrder() => _signer.Sign(BackpackSigner.SigningString("orderExecute", _order, 1_790_000_000_000, 5000));
}
