using Mmd.Exchanges.Paper;
using Mmd.Trading.Execution;
using Mmd.Trading.MarketData;
using Mmd.Trading.Strategies;

namespace Mmd.Trading.Tests.Strategies;

/// <summary>Strategy views for unit tests: a market at a given touch, balances and position.</summary>
internal static class Views
{
    public static StrategyView At(string symbol, decimal bid, decimal ask, decimal position = 0m, decimal unrealized = 0m,
        decimal quote = 10_000m, decimal @base = 0m, bool immediatePending = false, StrategyTrigger trigger = StrategyTrigger.Book)
    {
        var instrument = PaperMarkets.Find(symbol)!;
        return new StrategyView
        {
            Instrument = instrument,
            Book = new OrderBook(symbol),
            BestBid = bid,
            BestAsk = ask,
            Position = position,
            UnrealizedPnl = unrealized,
            ImmediatePending = immediatePending,
            Trigger = trigger,
            Now = DateTimeOffset.Parse("2026-11-24T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            Balances = new Dictionary<string, Balance>
            {
                [instrument.QuoteAsset] = new(instrument.QuoteAsset, quote, 0m),
                [instrument.BaseAsset] = new(instrument.BaseAsset, @base, 0m),
            },
        };
    }
}
