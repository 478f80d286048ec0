using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using GrpcMM.Protos.V1;
using Mmd.Trading.Stats;

namespace Mmd.Worker;

/// <summary>Domain statistics to their mm.v1 message: decimals as invariant strings, empty when unknown.</summary>
public static class StatsMessages
{
    public static InstanceStats ToMessage(StatsSnapshot s) => new()
    {
        Instance = s.Instance,
        Venue = s.Venue,
        Symbol = s.Symbol,
        BaseAsset = s.BaseAsset,
        QuoteAsset = s.QuoteAsset,
        Time = Timestamp.FromDateTimeOffset(s.Time),
        SessionStart = Timestamp.FromDateTimeOffset(s.SessionStart),
        Mid = D(s.Mid),
        BestBid = D(s.BestBid),
        BestAsk = D(s.BestAsk),
        BestQuoteBid = D(s.BestQuoteBid),
        BestQuoteAsk = D(s.BestQuoteAsk),
        QuoteSpreadPct = D(s.QuoteSpreadPct is { } p ? Math.Round(p, 6) : null),
        OpenBuyOrders = (uint)s.OpenBuyOrders,
        OpenSellOrders = (uint)s.OpenSellOrders,
        OrdersPlaced = (ulong)s.OrdersPlaced,
        OrdersCancelled = (ulong)s.OrdersCancelled,
        OrdersRejected = (ulong)s.OrdersRejected,
        PostOnlyRetries = (ulong)s.PostOnlyRetries,
        OrdersWithdrawn = (ulong)s.OrdersWithdrawn,
        Rebalances = (ulong)s.Rebalances,
        RiskDenials = (ulong)s.RiskDenials,
        BaseBalance = D(s.BaseBalance),
        QuoteBalance = D(s.QuoteBalance),
        PortfolioValue = D(s.PortfolioValue),
        Capital = { s.Capital.Select(c => new CapitalFigures { Asset = c.Asset, Allotted = D(c.Allotted), Traded = D(c.Traded), Account = D(c.Account), Usable = D(c.Usable) }) },
        MarketDataFresh = s.MarketDataFresh,
        KillSwitchTripped = s.KillSwitchTripped,
        KillSwitchReason = s.KillSwitchReason ?? "",
        TodayNetPnl = D(s.TodayNetPnl),
        DailyLossHalt = s.DailyLossHalt ?? "",
        SinceDailyLossHaltLifted = D(s.SinceDailyLossHaltLifted),
        QuotingPaused = s.QuotingPaused,
        Session = ToMessage(s.Session),
        Cumulative = ToMessage(s.Cumulative),
        Strategy = s.Strategy,
        StrategyFigures = s.StrategyFigures is { } f ? ToMessage(f) : null,
        Latency = s.Latency is { } l ? new GrpcMM.Protos.V1.LatencyFigures { Reaction = ToMessage(l.Reaction), Place = ToMessage(l.Place), Cancel = ToMessage(l.Cancel) } : null,
        DeadManSwitch = s.DeadManSwitch is { } d ? ToMessage(d) : null,
    };

    public static DeadManSwitchFigures ToMessage(Trading.Execution.DeadManSwitchStatus d)
    {
        var m = new DeadManSwitchFigures
        {
            CountdownSeconds = (uint)d.Countdown.TotalSeconds,
            Armed = d.Armed,
            Renewals = (ulong)d.Renewals,
            FailedRenewals = (ulong)d.FailedRenewals,
            ConsecutiveFailures = (uint)d.ConsecutiveFailures,
        };
        if (d.LastConfirmed is { } confirmed) m.LastConfirmed = Timestamp.FromDateTimeOffset(confirmed);
        if (d.Deadline is { } deadline) m.Deadline = Timestamp.FromDateTimeOffset(deadline);
        return m;
    }

    public static GrpcMM.Protos.V1.LatencySummary ToMessage(Trading.Stats.LatencySummary s) => new()
    {
        Samples = (uint)s.Samples,
        P50Micros = Micros(s.P50),
        P99Micros = Micros(s.P99),
        MaxMicros = Micros(s.Max),
    };

    /// <summary>A book the engine holds, for the operator (mmctl book).</summary>
    public static OrderBookView ToMessage(Trading.Engine.BookView b)
    {
        var m = new OrderBookView { Market = b.Market, Venue = b.Venue, Symbol = b.Symbol };
        if (b.UpdatedAt is { } at) m.UpdatedAt = Timestamp.FromDateTimeOffset(at);
        m.Bids.AddRange(b.Bids.Select(Level));
        m.Asks.AddRange(b.Asks.Select(Level));
        return m;
        static OrderBookLevel Level(Trading.Engine.BookViewLevel l) => new() { Price = D(l.Price), Quantity = D(l.Quantity), OwnQuantity = D(l.Own) };
    }

    /// <summary>An account as the venue answered the worker, for the operator (mmctl account).</summary>
    public static AccountView ToMessage(Trading.Engine.AccountView a)
    {
        var m = new AccountView
        {
            Market = a.Market, Venue = a.Venue, Symbol = a.Symbol, ReadAt = Timestamp.FromDateTimeOffset(a.ReadAt),
            OwnOpenOrders = (uint)a.OwnOpenOrders, OtherOpenOrders = (uint)a.OtherOpenOrders, SameAccountAsQuoted = a.SameAccountAsQuoted,
            Error = a.Error ?? "",
        };
        m.Balances.AddRange(a.Balances.Select(b => new AccountBalance { Asset = b.Asset, Available = D(b.Available), Locked = D(b.Locked) }));
        m.Positions.AddRange(a.Positions.Select(p => new AccountPosition
        {
            Symbol = p.Symbol, Quantity = D(p.Quantity), EntryPrice = D(p.EntryPrice), MarkPrice = D(p.MarkPrice), UnrealizedPnl = D(p.UnrealizedPnl),
        }));
        return m;
    }

    private static ulong Micros(TimeSpan t) => (ulong)(t.Ticks / TimeSpan.TicksPerMicrosecond); // a window holds no negative duration

    public static GrpcMM.Protos.V1.StrategyFigures ToMessage(Trading.Stats.StrategyFigures f)
    {
        var m = new GrpcMM.Protos.V1.StrategyFigures { LastProtectiveAction = f.LastProtectiveAction ?? "" };
        if (f.LastProtectiveActionAt is { } at) m.LastProtectiveActionTime = Timestamp.FromDateTimeOffset(at);
        if (f.Position is { } p)
            m.Position = new GrpcMM.Protos.V1.PositionFigures
            {
                Position = D(p.Position),
                EntryPrice = D(p.EntryPrice),
                UnrealizedPnl = D(Math.Round(p.UnrealizedPnl, 8)),
                TargetPosition = D(p.TargetPosition),
                MaxPosition = D(p.MaxPosition),
                PositionThreshold = D(p.PositionThreshold),
                InventorySkew = D(p.InventorySkew),
                Leverage = D(p.Leverage),
                Reductions = (uint)p.Reductions,
                StopLosses = (uint)p.StopLosses,
                TakeProfits = (uint)p.TakeProfits,
            };
        if (f.Grid is { } g)
            m.Grid = new GrpcMM.Protos.V1.GridFigures
            {
                Mode = g.Mode,
                Type = g.Type,
                LowerPrice = D(g.Lower),
                UpperPrice = D(g.Upper),
                Levels = (uint)g.Levels,
                BuyFills = (ulong)g.BuyFills,
                SellFills = (ulong)g.SellFills,
                RoundTrips = (ulong)g.RoundTrips,
                Profit = D(Math.Round(g.Profit, 8)),
                ActiveBuys = (uint)g.ActiveBuys,
                ActiveSells = (uint)g.ActiveSells,
                LockedLevels = (uint)g.LockedLevels,
                PendingCloses = (uint)g.PendingCloses,
            };
        if (f.Model is { } model)
            m.Model = new GrpcMM.Protos.V1.ModelFigures
            {
                Sigma = model.Sigma, Kappa = model.Kappa, ReservationPrice = D(Math.Round(model.Reservation, 8)), HalfSpread = D(Math.Round(model.HalfSpread, 8)),
            };
        if (f.Hedge is { } h)
            m.Hedge = new GrpcMM.Protos.V1.HedgeFigures
            {
                ReferencePosition = D(h.ReferencePosition),
                Residual = D(h.Residual),
                Hedges = (ulong)h.Hedges,
                HedgeFailures = (ulong)h.HedgeFailures,
                QuotingHeld = h.QuotingHeld,
                Market = h.Market is { } market
                    ? new GrpcMM.Protos.V1.HedgeMarketFigures
                    {
                        Venue = market.Venue, Symbol = market.Symbol, Mid = market.Mid is { } mid ? D(mid) : "",
                        Session = ToMessage(market.Session), Cumulative = ToMessage(market.Cumulative),
                    }
                    : null,
            };
        return m;
    }

    public static TradingFigures ToMessage(StatsFigures f)
    {
        var m = new TradingFigures
        {
            Fills = (ulong)f.Fills,
            BuyFills = (ulong)f.BuyFills,
            SellFills = (ulong)f.SellFills,
            BoughtQuantity = D(f.BoughtQuantity),
            SoldQuantity = D(f.SoldQuantity),
            MakerBuyVolume = D(f.MakerBuyVolume),
            MakerSellVolume = D(f.MakerSellVolume),
            TakerBuyVolume = D(f.TakerBuyVolume),
            TakerSellVolume = D(f.TakerSellVolume),
            QuoteVolume = D(f.QuoteVolume),
            RebalanceQuoteVolume = D(f.RebalanceQuoteVolume),
            RealizedPnl = D(f.RealizedPnl),
            UnrealizedPnl = D(f.UnrealizedPnl),
            FeesInQuote = D(f.FeesInQuote),
            Position = D(f.Position),
            AverageEntryPrice = D(f.AverageEntryPrice),
            NetPnl = D(f.NetPnl),
            FundingPnl = D(f.FundingPnl),
            WearRatePct = D(f.WearRatePct is { } w ? Math.Round(w, 6) : null),
            NetPnlPerVolumePct = D(f.NetPnlPerVolumePct is { } n ? Math.Round(n, 6) : null),
        };
        foreach (var (asset, fee) in f.FeesByAsset) m.FeesByAsset[asset] = D(fee);
        return m;
    }

    // Without the trailing zeros a product of decimals keeps (9999.9080318000000000 is 9999.9080318); no digit is lost.
    private static string D(decimal? value) => value is { } v ? v.ToString("0.############################", CultureInfo.InvariantCulture) : "";
}
