using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Paper;

/// <summary>The symbols the paper venue lists, with Backpack-like rules, and their default start prices.</summary>
public static class PaperMarkets
{
    public static IReadOnlyList<(InstrumentSpec Spec, decimal StartPrice)> All { get; } =
    [
        (new InstrumentSpec("SOL_USDC", "SOL", "USDC", InstrumentKind.Spot, 0.01m, 0.01m, 0.01m, 1m), 150m),
        (new InstrumentSpec("BTC_USDC", "BTC", "USDC", InstrumentKind.Spot, 0.1m, 0.00001m, 0.00001m, 1m), 95000m),
        (new InstrumentSpec("ETH_USDC", "ETH", "USDC", InstrumentKind.Spot, 0.01m, 0.0001m, 0.0001m, 1m), 3500m),
        (new InstrumentSpec("SOL_USDC_PERP", "SOL", "USDC", InstrumentKind.Perpetual, 0.01m, 0.01m, 0.01m, 1m), 150m),
        (new InstrumentSpec("BTC_USDC_PERP", "BTC", "USDC", InstrumentKind.Perpetual, 0.1m, 0.0001m, 0.0001m, 1m), 95000m),
        (new InstrumentSpec("ETH_USDC_PERP", "ETH", "USDC", InstrumentKind.Perpetual, 0.01m, 0.001m, 0.001m, 1m), 3500m),
    ];

    public static InstrumentSpec? Find(string symbol) => All.FirstOrDefault(m => m.Spec.Symbol == symbol).Spec;
}
