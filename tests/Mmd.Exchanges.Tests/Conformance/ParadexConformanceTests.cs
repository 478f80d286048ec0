using Mmd.Emulators.Faults;
using Mmd.Emulators.Paradex;
using Mmd.Exchanges.Paper;
using Mmd.Exchanges.Paradex;
using Mmd.TestKit;
using Mmd.Trading.Execution;

namespace Mmd.Exchanges.Tests.Conformance;

/// <summary>
/// The conformance suite against the real Paradex connector (JWT auth, STARK-signed orders, SBE book) talking to the
/// loopback Paradex emulator. Paradex lists perpetuals only, so every scenario trades SOL-USD-PERP (the paper
/// SOL_USDC_PERP); it has no fill-or-kill, so C15 is skipped by its capabilities.
/// </summary>
public sealed class ParadexConformanceTests : VenueConformanceTests
{
    protected override async Task<IVenueUnderTest> StartVenueAsync()
    {
        var market = new PaperExchange(new PaperSettings { VolatilityPct = 0m, FlowRate = 0m }, TimeProvider.System);
        var emulator = await ParadexEmulator.StartAsync(market, TimeProvider.System).DefaultTimeout();
        var credentials = ParadexCredentials.From(ParadexTestKeys.Variables);
        emulator.Auth.Register(credentials.Account, StarkEcdsa.PublicKey(StarkTypedData.ParseNumber(ParadexTestKeys.PrivateKey)!));
        return new ParadexVenue(market, emulator);
    }

    private sealed class ParadexVenue(PaperExchange market, ParadexEmulator emulator) : IVenueUnderTest
    {
        public PaperExchange Market => market;

        public string Account => ParadexTestKeys.Account;

        public IExchangeConnector Connect(string instanceName) =>
            new ParadexConnector(new ParadexOptions { RestBaseUrl = emulator.RestUrl, WebSocketUrl = emulator.WebSocketUrl,
                Streams = new() { QuietInterval = TimeSpan.FromMilliseconds(300) } }, ParadexCredentials.From(ParadexTestKeys.Variables), TimeProvider.System);

        public FaultPlan? Faults => emulator.Faults;

        public Action? DropStreams => emulator.DropWebSockets;

        public Task AccountStreamLiveAsync(AccountRecorder recorder) =>
            Until.TrueAsync(() => recorder.Failure is not null || recorder.Events.OfType<AccountResyncRequiredEvent>().Any(), "the account channels are subscribed");

        public string MainSymbol => "SOL-USD-PERP";

        public string PerpSymbol => "SOL-USD-PERP";

        public string MarketSymbol(string venueSymbol) => venueSymbol == "SOL-USD-PERP" ? "SOL_USDC_PERP" : venueSymbol;

        public (string OpenOrders, string PlaceOrder) FaultPaths => ("/v1/orders", "/v1/orders");

        public async ValueTask DisposeAsync()
        {
            await emulator.DisposeAsync();
            market.Dispose();
        }
    }
}
