using Mmd.Emulators.Paradex;
using Mmd.Exchanges.Paper;
using Mmd.Exchanges.Paradex;
using Mmd.TestKit;
using Mmd.Trading.Strategies.PerpMarketMaking;

namespace Mmd.Benchmarks;

/// <summary>
/// The Paradex connector against the loopback emulator, real sockets end to end: book event at the venue (its SBE book
/// feed) -> first STARK-signed order arriving back at it, through the real engine and the perp market maker. The venue
/// side checks every order's signature, as Paradex does. Moves come every 150 ms; a requote reads nothing back.
/// </summary>
public static class ParadexBench
{
    private const string Symbol = "SOL-USD-PERP";
    private const string Paper = "SOL_USDC_PERP";

    public static async Task RunAsync(int moves)
    {
        using var market = new PaperExchange(new PaperSettings { VolatilityPct = 0m, FlowRate = 0m }, TimeProvider.System);
        await using var emulator = await ParadexEmulator.StartAsync(market, TimeProvider.System);
        var credentials = ParadexCredentials.From(ParadexTestKeys.Variables);
        emulator.Auth.Register(credentials.Account, StarkTypedData.ParseNumber(ParadexTestKeys.PublicKey)!);
        Console.WriteLine($"emulator on {emulator.RestUrl}; {Environment.ProcessorCount} cores");
        await using var connector = new ParadexConnector(new ParadexOptions { RestBaseUrl = emulator.RestUrl, WebSocketUrl = emulator.WebSocketUrl }, credentials,
            TimeProvider.System);
        await connector.ConnectAsync(default);
        await WireLatency.MeasureAsync("paradex", connector, Symbol, market, Paper, emulator.Faults, "/v1/orders",
            new PerpMarketMaker(new PerpMarketMakerConfig { SpreadPct = 0.2m, OrderQuantity = 0.1m, Levels = 1, MaxPosition = 10m }), moves,
            pace: TimeSpan.FromMilliseconds(150)); // writes settle on the order watch, so a requote spends no reads (it spent four)

    }
}
