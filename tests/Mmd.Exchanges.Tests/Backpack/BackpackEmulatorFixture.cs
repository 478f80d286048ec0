using Mmd.Emulators.Backpack;
using Mmd.Exchanges.Backpack;
using Mmd.Exchanges.Paper;
using Mmd.TestKit;

namespace Mmd.Exchanges.Tests.Backpack;

/// <summary>A quiet paper market behind a loopback Backpack emulator, and connectors to it.</summary>
internal sealed class BackpackEmulatorFixture : IAsyncDisposable
{
    private BackpackEmulatorFixture(PaperExchange market, BackpackEmulator emulator)
    {
        Market = market;
        Emulator = emulator;
    }

    public PaperExchange Market { get; }

    public BackpackEmulator Emulator { get; }

    public static async Task<BackpackEmulatorFixture> StartAsync(PaperSettings? settings = null, TimeSpan? pingInterval = null, TimeSpan? pingTimeout = null)
    {
        var market = new PaperExchange(settings ?? new PaperSettings { VolatilityPct = 0m, FlowRate = 0m }, TimeProvider.System);
        if (settings is not null) market.Start();
        return new BackpackEmulatorFixture(market,
            await BackpackEmulator.StartAsync(market, TimeProvider.System, pingInterval: pingInterval, pingTimeout: pingTimeout).DefaultTimeout());
    }

    public BackpackOptions Options(Func<BackpackOptions, BackpackOptions>? change = null)
    {
        var options = new BackpackOptions { RestBaseUrl = Emulator.RestUrl, WebSocketUrl = Emulator.WebSocketUrl, RequestsPerSecond = 50, Burst = 20 };
        return change is null ? options : change(options);
    }

    public BackpackConnector Connect(string instance = "bp", Func<BackpackOptions, BackpackOptions>? change = null) =>
        new(Options(change), TestKeys.Credentials, instance, BackpackClientIds.DefaultTag(instance), TimeProvider.System);

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        Market.Dispose();
    }
}
