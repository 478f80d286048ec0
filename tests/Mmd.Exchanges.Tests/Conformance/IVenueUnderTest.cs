using Mmd.Emulators.Faults;
using Mmd.Exchanges.Paper;
using Mmd.Trading.Execution;

namespace Mmd.Exchanges.Tests.Conformance;

/// <summary>
/// A venue the conformance scenarios run against. Every venue here is backed by a paper matching engine, which the
/// scenarios use as "the rest of the market": another account trades against our orders through it.
/// </summary>
public interface IVenueUnderTest : IAsyncDisposable
{
    PaperExchange Market { get; }

    /// <summary>Our account's name inside <see cref="Market"/>.</summary>
    string Account { get; }

    /// <summary>A fresh connector for an instance: calling it again is what a restarted worker does.</summary>
    IExchangeConnector Connect(string instanceName);

    /// <summary>Scripted faults; null for a venue that cannot inject them.</summary>
    FaultPlan? Faults { get; }

    /// <summary>Cuts every stream connection; null for a venue without connections to cut.</summary>
    Action? DropStreams { get; }

    /// <summary>Waits until an account stream just opened is live (its subscription confirmed).</summary>
    Task AccountStreamLiveAsync(AccountRecorder recorder);

    /// <summary>The market most scenarios trade, by the venue's name (a spot market where the venue has one).</summary>
    string MainSymbol => "SOL_USDC";

    /// <summary>A perpetual market, by the venue's name.</summary>
    string PerpSymbol => "SOL_USDC_PERP";

    /// <summary>The paper market behind a venue symbol (the emulator lists paper markets under the venue's names).</summary>
    string MarketSymbol(string venueSymbol) => venueSymbol;

    /// <summary>The REST paths the fault scenarios aim at: the open-orders list and order placement.</summary>
    (string OpenOrders, string PlaceOrder) FaultPaths => ("/api/v1/orders", "/api/v1/order");
}
