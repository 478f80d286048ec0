using Mmd.Emulators.Backpack;
using Mmd.Emulators.Faults;
using Mmd.Exchanges.Backpack;
using Mmd.Exchanges.Paper;
using Mmd.TestKit;
using Mmd.Trading.Execution;

namespace Mmd.Exchanges.Tests.Conformance;

/// <summary>The conformance suite against the real Backpack connector talking to the loopback Backpack emulator.</summary>
public sealed class BackpackConformanceTests : VenueConformanceTests
{
    protected override async Task<IVenueUnderTest> StartVenueAsync()
    {
        var market = new PaperExchange(new PaperSettings { VolatilityPct = 0m, FlowRate = 0m }, TimeProvider.System);
        return new BackpackVenue(market, await BackpackEmulator.StartAsync(market, TimeProvider.System).DefaultTimeout());
    }

    private sealed class BackpackVenue(PaperExchange market, BackpackEmulator emulator) : IVenueUnderTest
    {
        public PaperExchange Market => market;

        public string Account => TestKeys.ApiKey;

        public IExchangeConnector Connect(string instanceName) =>
            new BackpackConnector(new BackpackOptions { RestBaseUrl = emulator.RestUrl, WebSocketUrl = emulator.WebSocketUrl, RequestsPerSecond = 50, Burst = 20,
                    Streams = new() { QuietInterval = TimeSpan.FromMilliseconds(300) } },
                TestKeys.Credentials, instanceName, BackpackClientIds.DefaultTag(instanceName), TimeProvider.System);

        public FaultPlan? Faults => emulator.Faults;

        public Action? DropStreams => emulator.DropWebSockets;

        // The connector reports the subscription once it has sent it; the emulator says when it took effect.
        public Task AccountStreamLiveAsync(AccountRecorder recorder) =>
            Until.TrueAsync(() => recorder.Failure is not null
                || (recorder.Events.OfType<AccountResyncRequiredEvent>().Any() && emulator.LastAccountSubscriptionAt >= recorder.StartedAt),
                "the account stream is subscribed");

        public async ValueTask DisposeAsync()
        {
            await emulator.DisposeAsync();
            market.Dispose();
        }
    }
}
