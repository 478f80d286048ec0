using Mmd.Emulators.Faults;
using Mmd.Exchanges.Paper;
using Mmd.Trading.Execution;

namespace Mmd.Exchanges.Tests.Conformance;

/// <summary>The conformance suite against the in-process paper venue.</summary>
public sealed class PaperConformanceTests : VenueConformanceTests
{
    protected override Task<IVenueUnderTest> StartVenueAsync() => Task.FromResult<IVenueUnderTest>(new PaperVenue());

    private sealed class PaperVenue : IVenueUnderTest
    {
        public PaperExchange Market { get; } = new(new PaperSettings { VolatilityPct = 0m, FlowRate = 0m, BookAliveInterval = TimeSpan.FromMilliseconds(300) }, TimeProvider.System);

        public string Account => "conformance";

        public IExchangeConnector Connect(string instanceName) => new PaperConnector(Market, Account);

        public FaultPlan? Faults => null;

        public Action? DropStreams => null;

        public Task AccountStreamLiveAsync(AccountRecorder recorder) => Task.CompletedTask; // subscribed when the call returns

        public ValueTask DisposeAsync()
        {
            Market.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
