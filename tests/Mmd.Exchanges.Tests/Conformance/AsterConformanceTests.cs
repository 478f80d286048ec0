using Mmd.Emulators.Aster;
using Mmd.Emulators.Faults;
using Mmd.Exchanges.Aster;
using Mmd.Exchanges.Paper;
using Mmd.TestKit;
using Mmd.Trading.Execution;

namespace Mmd.Exchanges.Tests.Conformance;

/// <summary>
/// The conformance suite against the real Aster connector (V3, EIP-712) talking to the loopback Aster emulator. Aster lists
/// perpetuals only, so every scenario trades SOLUSDC (the paper SOL_USDC_PERP).
/// </summary>
public class AsterConformanceTests : VenueConformanceTests
{
    protected virtual AsterSigning Signing => AsterSigning.V3;

    protected override async Task<IVenueUnderTest> StartVenueAsync()
    {
        var market = new PaperExchange(new PaperSettings { VolatilityPct = 0m, FlowRate = 0m }, TimeProvider.System);
        var emulator = await AsterEmulator.StartAsync(market, TimeProvider.System).DefaultTimeout();
        emulator.Auth.ApproveAgent(AsterTestKeys.User, AsterTestKeys.Signer);
        emulator.Auth.AddKey(AsterTestKeys.V1ApiKey, AsterTestKeys.V1Secret);
        // A V3 account whose owner left it to expire the taker: our V3 orders that may take must say otherwise (C20). V1
        // orders cannot, so the V1 suite runs on an account set to expire the maker.
        if (Signing == AsterSigning.V3) emulator.AccountStpMode = "EXPIRE_TAKER";
        return new AsterVenue(market, emulator, Signing);
    }

    private sealed class AsterVenue(PaperExchange market, AsterEmulator emulator, AsterSigning signing) : IVenueUnderTest
    {
        public PaperExchange Market => market;

        public string Account => signing == AsterSigning.V3 ? AsterTestKeys.Account : AsterTestKeys.V1ApiKey;

        public IExchangeConnector Connect(string instanceName) =>
            new AsterConnector(new AsterOptions { RestBaseUrl = emulator.RestUrl, WebSocketUrl = emulator.WebSocketUrl, Signing = signing,
                Streams = new() { QuietInterval = TimeSpan.FromMilliseconds(300) } },
                AsterCredentials.From(signing == AsterSigning.V3 ? AsterTestKeys.V3Variables : AsterTestKeys.V1Variables, signing), TimeProvider.System);

        public FaultPlan? Faults => emulator.Faults;

        public Action? DropStreams => emulator.DropWebSockets;

        public Task AccountStreamLiveAsync(AccountRecorder recorder) =>
            Until.TrueAsync(() => recorder.Failure is not null
                || (recorder.Events.OfType<AccountResyncRequiredEvent>().Any() && emulator.LastUserStreamAt >= recorder.StartedAt),
                "the user stream is connected");

        public string MainSymbol => "SOLUSDC";

        public string PerpSymbol => "SOLUSDC";

        public string MarketSymbol(string venueSymbol) => venueSymbol == "SOLUSDC" ? "SOL_USDC_PERP" : venueSymbol;

        public (string OpenOrders, string PlaceOrder) FaultPaths => signing == AsterSigning.V3
            ? ("/fapi/v3/openOrders", "/fapi/v3/order")
            : ("/fapi/v1/openOrders", "/fapi/v1/order");

        public async ValueTask DisposeAsync()
        {
            await emulator.DisposeAsync();
            market.Dispose();
        }
    }
}

/// <summary>The same suite with V1 (HMAC) keys: the paths under /fapi/v1 and v2, the key in the header.</summary>
public sealed class AsterV1ConformanceTests : AsterConformanceTests
{
    protected override AsterSigning Signing => AsterSigning.V1;
}
