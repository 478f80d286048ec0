using Mmd.Emulators.Aster;
using Mmd.Exchanges.Aster;
using Mmd.Exchanges.Paper;
using Mmd.TestKit;
using Mmd.Trading.Strategies.PerpMarketMaking;

namespace Mmd.Benchmarks;

/// <summary>
/// The Aster connector against the loopback emulator, real sockets end to end: book event at the venue -> first signed
/// order request arriving back at it, through the real engine and the perp market maker, for V3 (EIP-712, the signer
/// recovered by the venue side) and V1 (HMAC).
/// </summary>
public static class AsterBench
{
    private const string Symbol = "SOLUSDC";
    private const string Paper = "SOL_USDC_PERP";

    public static async Task RunAsync(int moves)
    {
        foreach (var signing in new[] { AsterSigning.V3, AsterSigning.V1 })
        {
            using var market = new PaperExchange(new PaperSettings { VolatilityPct = 0m, FlowRate = 0m }, TimeProvider.System);
            await using var emulator = await AsterEmulator.StartAsync(market, TimeProvider.System);
            emulator.Auth.ApproveAgent(AsterTestKeys.User, AsterTestKeys.Signer);
            emulator.Auth.AddKey(AsterTestKeys.V1ApiKey, AsterTestKeys.V1Secret);
            Console.WriteLine($"emulator on {emulator.RestUrl}; {Environment.ProcessorCount} cores; {signing}");
            await using var connector = new AsterConnector(new AsterOptions { RestBaseUrl = emulator.RestUrl, WebSocketUrl = emulator.WebSocketUrl, Signing = signing },
                AsterCredentials.From(signing == AsterSigning.V3 ? AsterTestKeys.V3Variables : AsterTestKeys.V1Variables, signing), TimeProvider.System);
            await connector.ConnectAsync(default);
            await WireLatency.MeasureAsync($"aster {signing}", connector, Symbol, market, Paper, emulator.Faults, signing == AsterSigning.V3 ? "/fapi/v3/order" : "/fapi/v1/order",
                new PerpMarketMaker(new PerpMarketMakerConfig { SpreadPct = 0.2m, OrderQuantity = 0.1m, Levels = 1, MaxPosition = 10m }), moves);
        }
    }
}
