using Mmd.Emulators.Faults;
using Mmd.Emulators.Lighter;
using Mmd.Exchanges.Lighter;
using Mmd.Exchanges.Paper;
using Mmd.TestKit;
using Mmd.Trading.Execution;

namespace Mmd.Exchanges.Tests.Conformance;

/// <summary>
/// The conformance suite against the real Lighter connector (Schnorr-signed L2 transactions with per-key nonces, auth
/// tokens, the JSON book and account streams) talking to the loopback Lighter emulator. Lighter lists perpetuals only, so
/// every scenario trades SOL (the paper SOL_USDC_PERP); it has no fill-or-kill, so C15 is skipped by its capabilities.
/// </summary>
public sealed class LighterConformanceTests : VenueConformanceTests
{
    protected override async Task<IVenueUnderTest> StartVenueAsync()
    {
        var market = new PaperExchange(new PaperSettings { VolatilityPct = 0m, FlowRate = 0m }, TimeProvider.System);
        var emulator = await LighterEmulator.StartAsync(market, TimeProvider.System).DefaultTimeout();
        var credentials = LighterCredentials.From(LighterTestKeys.Variables);
        emulator.Auth.Register(credentials.AccountIndex, credentials.ApiKeyIndex, LighterSchnorr.PublicKey(LighterSigner.ParsePrivateKey(LighterTestKeys.PrivateKey, out _)!.Value));
        return new LighterVenue(market, emulator);
    }

    private sealed class LighterVenue(PaperExchange market, LighterEmulator emulator) : IVenueUnderTest
    {
        public PaperExchange Market => market;

        public string Account => LighterEmulator.PaperAccount(LighterTestKeys.Account);

        public IExchangeConnector Connect(string instanceName) =>
            new LighterConnector(new LighterOptions { RestBaseUrl = emulator.RestUrl, WebSocketUrl = emulator.WebSocketUrl,
                Streams = new() { QuietInterval = TimeSpan.FromMilliseconds(300) } }, LighterCredentials.From(LighterTestKeys.Variables), instanceName, TimeProvider.System);

        public FaultPlan? Faults => emulator.Faults;

        public Action? DropStreams => emulator.DropWebSockets;

        public Task AccountStreamLiveAsync(AccountRecorder recorder) =>
            Until.TrueAsync(() => recorder.Failure is not null || recorder.Events.OfType<AccountResyncRequiredEvent>().Any(), "the account channels are subscribed");

        public string MainSymbol => "SOL";

        public string PerpSymbol => "SOL";

        public string MarketSymbol(string venueSymbol) => venueSymbol == "SOL" ? "SOL_USDC_PERP" : venueSymbol;

        public (string OpenOrders, string PlaceOrder) FaultPaths => ("/api/v1/accountActiveOrders", "/api/v1/sendTx");

        public async ValueTask DisposeAsync()
        {
            await emulator.DisposeAsync();
            market.Dispose();
        }
    }
}
