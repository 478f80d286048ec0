using Mmd.Emulators.Lighter;
using Mmd.Exchanges.Lighter;
using Mmd.Exchanges.Paper;
using Mmd.TestKit;
using Mmd.Trading.Strategies.PerpMarketMaking;

namespace Mmd.Benchmarks;

/// <summary>
/// The Lighter connector against the loopback emulator, real sockets end to end: book event at the venue (its JSON book
/// channel) -> first Schnorr-signed CreateOrder transaction arriving back at it, through the real engine and the perp
/// market maker. The venue side checks every transaction's signature and nonce, as Lighter does.
/// </summary>
public static class LighterBench
{
    public static async Task RunAsync(int moves)
    {
        using var market = new PaperExchange(new PaperSettings { VolatilityPct = 0m, FlowRate = 0m }, TimeProvider.System);
        await using var emulator = await LighterEmulator.StartAsync(market, TimeProvider.System);
        var credentials = LighterCredentials.From(LighterTestKeys.Variables);
        emulator.Auth.Register(credentials.AccountIndex, credentials.ApiKeyIndex, Fp5.FromLittleEndianBytes(Convert.FromHexString(LighterTestKeys.PublicKey))!.Value);
        Console.WriteLine($"emulator on {emulator.RestUrl}; {Environment.ProcessorCount} cores");
        await using var connector = new LighterConnector(new LighterOptions { RestBaseUrl = emulator.RestUrl, WebSocketUrl = emulator.WebSocketUrl }, credentials,
            "lat", TimeProvider.System); // the instance WireLatency runs
        await connector.ConnectAsync(default);
        await WireLatency.MeasureAsync("lighter", connector, "SOL", market, "SOL_USDC_PERP", emulator.Faults, "/api/v1/sendTx",
            new PerpMarketMaker(new PerpMarketMakerConfig { SpreadPct = 0.2m, OrderQuantity = 0.1m, Levels = 1, MaxPosition = 10m }), moves);
    }
}
