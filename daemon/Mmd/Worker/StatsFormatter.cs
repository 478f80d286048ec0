using System.Globalization;
using System.Text;
using Mmd.Trading.Stats;

namespace Mmd.Worker;

/// <summary>The periodic one-line summary and the final report of <c>mmd run</c>.</summary>
public static class StatsFormatter
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Line(StatsSnapshot s)
    {
        var f = s.Session;
        var market = FormattableString.Invariant($"mid {D(s.Mid)} quotes {D(s.BestQuoteBid)}|{D(s.BestQuoteAsk)} ({P(s.QuoteSpreadPct)}) open {s.OpenBuyOrders}b/{s.OpenSellOrders}s");
        var volume = FormattableString.Invariant($"fills {f.Fills} ({f.BuyFills}b/{f.SellFills}s) vol {R(f.QuoteVolume)} {s.QuoteAsset} maker {R(f.MakerVolume)} taker {R(f.TakerVolume)} {s.BaseAsset}");
        var pnl = FormattableString.Invariant($"rPnL {R(f.RealizedPnl)} uPnL {R(f.UnrealizedPnl)} fees {R(f.FeesInQuote)} net {R(f.NetPnl)} {s.QuoteAsset}");
        return $"{market} {volume} {pnl}{StrategyPart(s.StrategyFigures)}" + (s.MarketDataFresh ? "" : " [market data stale]") + (s.KillSwitchTripped ? " [KILL SWITCH]" : "");
    }

    public static string Report(StatsSnapshot s, string stopReason, int ordersLeft)
    {
        var sb = new StringBuilder();
        sb.AppendLine(Inv, $"== {s.Instance} on {s.Venue} {s.Symbol}: stopped ({stopReason}) after {s.Runtime:hh\\:mm\\:ss}; own orders left on venue: {(ordersLeft < 0 ? "unconfirmed" : ordersLeft.ToString(Inv))}");
        Section(sb, "session", s.Session, s);
        Section(sb, "cumulative", s.Cumulative, s);
        sb.AppendLine(Inv, $"   orders placed {s.OrdersPlaced}, cancelled {s.OrdersCancelled}, rejected {s.OrdersRejected}, post-only retries {s.PostOnlyRetries}, withdrawn unsent {s.OrdersWithdrawn}, rebalances {s.Rebalances}, risk denials {s.RiskDenials}");
        if (StrategyPart(s.StrategyFigures) is { Length: > 0 } part) sb.AppendLine(Inv, $"   {s.Strategy}:{part}");
        if (s.Capital.Count > 0)
            sb.AppendLine(Inv, $"   capital {string.Join(", ", s.Capital.Select(c => string.Create(Inv, $"{R(c.Usable)} {c.Asset} (allotted {R(c.Allotted)}, traded {R(c.Traded)}, the account {R(c.Account)})")))}");
        sb.Append(Inv, $"   balances {R(s.BaseBalance)} {s.BaseAsset} + {R(s.QuoteBalance)} {s.QuoteAsset} = {(s.PortfolioValue is { } value ? R(value) : "-")} {s.QuoteAsset} at mid {D(s.Mid)}");
        return sb.ToString();
    }

    private static void Section(StringBuilder sb, string title, StatsFigures f, StatsSnapshot s)
    {
        var fees = string.Join(", ", f.FeesByAsset.Select(kv => string.Create(Inv, $"{R(kv.Value)} {kv.Key}")));
        sb.AppendLine(Inv, $"   {title}: fills {f.Fills} (buy {f.BuyFills} / sell {f.SellFills}), bought {R(f.BoughtQuantity)} sold {R(f.SoldQuantity)} {s.BaseAsset}, quote volume {R(f.QuoteVolume)} {s.QuoteAsset}");
        sb.AppendLine(Inv, $"      maker buy/sell {R(f.MakerBuyVolume)}/{R(f.MakerSellVolume)}, taker buy/sell {R(f.TakerBuyVolume)}/{R(f.TakerSellVolume)} {s.BaseAsset}, position {R(f.Position)} @ {R(f.AverageEntryPrice)}");
        sb.AppendLine(Inv, $"      realized {R(f.RealizedPnl)}, unrealized {R(f.UnrealizedPnl)}, fees {(fees.Length == 0 ? "0" : fees)}, funding {R(f.FundingPnl)}, net {R(f.NetPnl)} {s.QuoteAsset}, wear rate {P(f.WearRatePct)}");
    }

    private static string StrategyPart(StrategyFigures? f)
    {
        if (f is null) return "";
        var sb = new StringBuilder();
        if (f.Position is { } p)
            sb.Append(Inv, $" position {R(p.Position)} @ {R(p.EntryPrice)} uPnL {R(p.UnrealizedPnl)} (target {R(p.TargetPosition)}, max {R(p.MaxPosition)}, {p.Leverage}x)");
        if (f.Grid is { } g)
            sb.Append(Inv, $" grid {g.Type} {g.Mode} {R(g.Lower)}-{R(g.Upper)} x{g.Levels}: fills {g.BuyFills}b/{g.SellFills}s, round trips {g.RoundTrips}, profit {R(g.Profit)}, orders {g.ActiveBuys}b/{g.ActiveSells}s, locked {g.LockedLevels}");
        if (f.Model is { } model)
            sb.Append(Inv, $" model σ {model.Sigma:0.####}/√s κ {model.Kappa:0.##} reservation {R(model.Reservation)} ±{R(model.HalfSpread)}");
        if (f.Hedge is { } h)
        {
            sb.Append(Inv, $" hedge residual {R(h.Residual)}, hedges {h.Hedges}, failed {h.HedgeFailures}{(h.QuotingHeld ? " [QUOTING HELD]" : "")}");
            if (h.Market is { } m)
                sb.Append(Inv, $" on {m.Venue} {m.Symbol}: position {R(m.Cumulative.Position)}, fills {m.Session.Fills}, net PnL {R(m.Session.NetPnl)}");
        }
        if (f.LastProtectiveAction is { } action) sb.Append(Inv, $" last action: {action}");
        return sb.ToString();
    }

    private static string D(decimal? value) => value is { } v ? v.ToString(Inv) : "-";
    private static string R(decimal value) => Math.Round(value, 6).ToString(Inv);
    private static string P(decimal? pct) => pct is { } p ? Math.Round(p, 4).ToString(Inv) + "%" : "n/a";
}
