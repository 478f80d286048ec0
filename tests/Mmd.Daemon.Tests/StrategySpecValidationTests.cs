using System.Text;
using GrpcMM.Protos.V1;
using Mmd.Specs;
using Mmd.Trading.Strategies.PerpMarketMaking;
using static Mmd.Daemon.Tests.SpecFiles;

namespace Mmd.Daemon.Tests;

public class StrategySpecValidationTests
{
    [Fact]
    public void ShippedPerpTemplate_IsValid()
    {
        var perp = Assert.IsType<PerpMarketMakerConfig>(Template("paper-perp-mm.json").Strategy);
        Assert.Equal((0.2m, 0.5m, 3m, 1m, 60m, 90m), (perp.SpreadPct, perp.OrderQuantity!.Value, perp.MaxPosition, perp.PositionThreshold, perp.StopLoss!.Value, perp.TakeProfit!.Value));
        Assert.Equal(Trading.Strategies.PerpMarketMaking.ProtectiveAction.KeepRunning, perp.ProtectiveAction);
    }

    [Fact]
    public void ShippedGridTemplate_IsValid()
    {
        var grid = Assert.IsType<Trading.Strategies.Grid.SpotGridConfig>(Template("paper-spot-grid.json").Strategy);
        Assert.True(grid.AutoRange);
        Assert.Equal((1m, 11, 0.5m), (grid.PriceRangePct, grid.Levels, grid.OrderQuantity!.Value));
        Assert.False(grid.RefreshReplacesQuotes);
    }

    [Fact]
    public void Perp_EveryBadField_IsReported_WithItsLine()
    {
        var ex = Invalid("""
            {
              "name": "p",
              "symbol": "SOL_USDC_PERP",
              "perpMarketMaking": {
                "spreadPct": "0",
                "orderQuantity": "-1",
                "levels": 30,
                "targetPosition": "-1",
                "maxPosition": "0",
                "positionThreshold": "0",
                "inventorySkew": "1.5",
                "leverage": "0.5",
                "stopLoss": "0",
                "takeProfit": "-5",
                "refreshTolerancePct": "80"
              }
            }
            """);
        var fields = ex.Violations.Select(v => v.Field).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "perp_market_making.spread_pct", "perp_market_making.order_quantity", "perp_market_making.levels", "perp_market_making.target_position",
            "perp_market_making.max_position", "perp_market_making.position_threshold", "perp_market_making.inventory_skew", "perp_market_making.leverage",
            "perp_market_making.stop_loss", "perp_market_making.take_profit", "perp_market_making.refresh_tolerance_pct",
        }, fields);
        Assert.Contains(ex.Describe(), d => d.StartsWith("spec.json:11: perp_market_making.inventory_skew: must be at most 1", StringComparison.Ordinal));
        Assert.Contains(ex.Describe(), d => d.StartsWith("spec.json:13: perp_market_making.stop_loss: must not be 0", StringComparison.Ordinal));
    }

    [Fact]
    public void Perp_OnASpotSymbol_AndSpot_OnAPerpSymbol_AreRejected()
    {
        var ex = Invalid("""{ "name": "p", "symbol": "SOL_USDC", "perpMarketMaking": { "spreadPct": "0.2" } }""");
        Assert.Equal("'SOL_USDC' is a spot market; perp market making needs a perpetual symbol", Assert.Single(ex.Violations).Description);
        ex = Invalid("""{ "name": "p", "symbol": "SOL_USDC_PERP", "spotGrid": { } }""");
        Assert.Equal("symbol", Assert.Single(ex.Violations).Field);
    }

    [Fact]
    public void Bug18_TargetPositionDefaultsToZero_AndTheStopLossSignIsIgnored()
    {
        var spec = new InstanceSpec { Name = "p", Symbol = "SOL_USDC_PERP", PerpMarketMaking = new PerpMarketMakingConfig { SpreadPct = "0.2", StopLoss = "-25" } };
        var perp = Assert.IsType<PerpMarketMakerConfig>(SpecValidator.Validate(spec, "cli").Strategy);
        Assert.Equal(0m, perp.TargetPosition);
        Assert.Equal(25m, perp.StopLoss);
        spec.PerpMarketMaking.StopLoss = "25";
        Assert.Equal(25m, ((PerpMarketMakerConfig)SpecValidator.Validate(spec, "cli").Strategy).StopLoss);
    }

    [Fact]
    public void Perp_CrossFieldRules_NameTheField()
    {
        var ex = Invalid("""{ "name": "p", "symbol": "SOL_USDC_PERP", "perpMarketMaking": { "spreadPct": "0.2", "targetPosition": "3", "maxPosition": "2", "orderQuantity": "2.5" } }""");
        Assert.Equal(["perp_market_making.target_position", "perp_market_making.order_quantity"], ex.Violations.Select(v => v.Field));
    }

    [Fact]
    public void Grid_EveryBadField_IsReported()
    {
        var ex = Invalid("""
            {
              "name": "g",
              "symbol": "SOL_USDC",
              "spotGrid": {
                "lowerPrice": "160",
                "upperPrice": "150",
                "priceRangePct": "100",
                "levels": 1,
                "orderQuantity": "x",
                "feeAllowancePct": "9"
              }
            }
            """);
        Assert.Equal(["spot_grid.upper_price", "spot_grid.price_range_pct", "spot_grid.levels", "spot_grid.order_quantity", "spot_grid.fee_allowance_pct"],
            ex.Violations.Select(v => v.Field));
    }

    [Fact]
    public void Grid_OneBoundWithoutTheOther_IsAnError_NotASilentAutoRange()
    {
        var ex = Invalid("""{ "name": "g", "symbol": "SOL_USDC", "spotGrid": { "upperPrice": "160" } }""");
        var violation = Assert.Single(ex.Violations);
        Assert.Equal(("spot_grid.lower_price", "required when upper_price is set (or set auto_price_range)"), (violation.Field, violation.Description));
    }

    [Fact]
    public void Grid_Defaults_AndAWideDefaultPriceBand()
    {
        var valid = SpecValidator.Validate(new InstanceSpec { Name = "g", Symbol = "SOL_USDC", SpotGrid = new GrpcMM.Protos.V1.SpotGridConfig() }, "cli");
        var grid = Assert.IsType<Trading.Strategies.Grid.SpotGridConfig>(valid.Strategy);
        Assert.True(grid.AutoRange);
        Assert.Equal((5m, 10, Trading.Strategies.Grid.GridMode.Arithmetic, 0.1m), (grid.PriceRangePct, grid.Levels, grid.Mode, grid.FeeAllowancePct));
        Assert.Null(grid.OrderQuantity);
        Assert.Equal(50m, valid.Risk.PriceBandPct);
    }

    [Fact]
    public void PaperPricePath_IsValidated_AndBecomesThePathOfTheSymbol()
    {
        var ex = Invalid("""
            { "name": "g", "symbol": "SOL_USDC", "spotGrid": { },
              "paper": { "pricePath": [ { "at": "5s", "price": "150" }, { "at": "2s", "price": "-1" } ] } }
            """);
        Assert.Equal(["paper.price_path[1].at", "paper.price_path[1].price"], ex.Violations.Select(v => v.Field));

        var spec = InstanceSpecJson.Parse("spec.json", Encoding.UTF8.GetBytes("""
            { "name": "g", "symbol": "SOL_USDC", "spotGrid": { },
              "paper": { "pricePath": [ { "price": "150" }, { "at": "10s", "price": "140" } ] } }
            """), out var lines);
        var path = SpecValidator.Validate(spec, "spec.json", lines).Paper.PricePaths["SOL_USDC"];
        Assert.Equal(145m, path.At(TimeSpan.FromSeconds(5)));
        Assert.Null(path.At(TimeSpan.FromSeconds(11)));
    }

    [Fact]
    public void ShippedPerpGridTemplate_IsValid()
    {
        var grid = Assert.IsType<Trading.Strategies.Grid.PerpGridConfig>(Template("paper-perp-grid.json").Strategy);
        Assert.Equal((Trading.Strategies.Grid.GridType.Neutral, Trading.Strategies.Grid.BoundaryAction.AdjustRange, 9, 3m, 0.002m),
            (grid.Type, grid.BoundaryAction, grid.Levels, grid.MaxPosition, grid.BoundaryTolerance));
    }

    [Fact]
    public void PerpGrid_EveryBadField_IsReported()
    {
        var ex = Invalid("""
            {
              "name": "g",
              "symbol": "SOL_USDC_PERP",
              "perpGrid": {
                "lowerPrice": "150",
                "levels": 300,
                "type": 9,
                "orderQuantity": "2",
                "maxPosition": "1",
                "stopLoss": "0",
                "boundaryTolerance": "2",
                "boundaryAction": 7,
                "closeRetries": 50
              }
            }
            """);
        Assert.Equal(["perp_grid.upper_price", "perp_grid.levels", "perp_grid.type", "perp_grid.stop_loss", "perp_grid.boundary_tolerance",
            "perp_grid.boundary_action", "perp_grid.close_retries", "perp_grid.order_quantity"], ex.Violations.Select(v => v.Field));
    }

    [Fact]
    public void ShippedHedgeTemplate_IsValid_AndAPerpHedgeNeedsASize()
    {
        var hedge = Assert.IsType<Trading.Strategies.Hedge.MakerTakerHedgeConfig>(Template("paper-hedge.json").Strategy);
        Assert.Equal((0.5m, 0m, 0.5m, 3), (hedge.OrderQuantity!.Value, hedge.QuoteOffsetPct, hedge.MaxSlippagePct, hedge.MaxHedgeAttempts));
        var ex = Invalid("""{ "name": "h", "symbol": "SOL_USDC_PERP", "makerTakerHedge": { "maxSlippagePct": "0", "maxHedgeAttempts": 0, "quoteOffsetPct": "x" } }""");
        Assert.Equal(["maker_taker_hedge.order_quantity", "maker_taker_hedge.quote_offset_pct", "maker_taker_hedge.max_slippage_pct", "maker_taker_hedge.max_hedge_attempts"],
            ex.Violations.Select(v => v.Field));
        // On spot the seed's auto size works.
        var spot = new InstanceSpec { Name = "h", Symbol = "SOL_USDC", MakerTakerHedge = new GrpcMM.Protos.V1.MakerTakerHedgeConfig() };
        Assert.Null(((Trading.Strategies.Hedge.MakerTakerHedgeConfig)SpecValidator.Validate(spot, "cli").Strategy).OrderQuantity);
    }

    [Fact]
    public void ShippedXemmTemplate_QuotesTheSpot_AndHedgesOnThePerpetual()
    {
        var spec = Template("paper-xemm.json");
        Assert.Equal(new HedgeTarget("paper", "SOL_USDC_PERP"), spec.HedgeMarket);
        Assert.Equal(0.02m, ((Trading.Strategies.Hedge.MakerTakerHedgeConfig)spec.Strategy).MinProfitabilityPct);
        Assert.Equal(2m, ((Trading.Strategies.Hedge.MakerTakerHedgeConfig)spec.Strategy).InventoryRange);
    }

    [Fact]
    public void CrossMarketHedge_EveryBadField_IsReported()
    {
        var ex = Invalid("""{ "name": "x", "symbol": "SOL_USDC", "makerTakerHedge": { "orderQuantity": "1", "hedgeVenue": "kraken", "minProfitabilityPct": "11" } }""");
        Assert.Equal(["maker_taker_hedge.hedge_venue", "maker_taker_hedge.min_profitability_pct"], ex.Violations.Select(v => v.Field));
        var other = Invalid("""{ "name": "x", "symbol": "SOL_USDC", "makerTakerHedge": { "orderQuantity": "1", "hedgeSymbol": "BTC_USDC_PERP" } }""");
        Assert.Contains("same asset", Assert.Single(other.Violations, v => v.Field == "maker_taker_hedge.hedge_symbol").Description);
        var unknown = Invalid("""{ "name": "x", "symbol": "SOL_USDC", "makerTakerHedge": { "orderQuantity": "1", "hedgeSymbol": "SOL_EUR" } }""");
        Assert.Contains("no symbol 'SOL_EUR'", Assert.Single(unknown.Violations).Description);
        var live = Invalid("""{ "name": "x", "symbol": "SOL_USDC", "makerTakerHedge": { "orderQuantity": "1", "hedgeVenue": "backpack", "hedgeSymbol": "ETH_USDC_PERP" } }""");
        Assert.Equal("maker_taker_hedge.hedge_symbol", Assert.Single(live.Violations).Field);
    }

    [Fact]
    public void CrossMarketHedge_InventoryRange_IsPositive_AndOnlyAcrossMarkets()
    {
        var spec = SpecValidator.Validate(new InstanceSpec { Name = "x", Symbol = "SOL_USDC", MakerTakerHedge = new GrpcMM.Protos.V1.MakerTakerHedgeConfig
            { OrderQuantity = "0.5", HedgeSymbol = "SOL_USDC_PERP", InventoryRange = "2.5" } }, "cli");
        Assert.Equal(2.5m, ((Trading.Strategies.Hedge.MakerTakerHedgeConfig)spec.Strategy).InventoryRange);

        var negative = Invalid("""{ "name": "x", "symbol": "SOL_USDC", "makerTakerHedge": { "orderQuantity": "1", "hedgeSymbol": "SOL_USDC_PERP", "inventoryRange": "0" } }""");
        Assert.Equal("maker_taker_hedge.inventory_range", Assert.Single(negative.Violations).Field);
        var oneMarket = Invalid("""{ "name": "x", "symbol": "SOL_USDC", "makerTakerHedge": { "orderQuantity": "1", "inventoryRange": "2" } }""");
        Assert.Contains("needs a hedge market", Assert.Single(oneMarket.Violations, v => v.Field == "maker_taker_hedge.inventory_range").Description);
        // A hedge market refused is reported as that, not as a missing one.
        var refused = Invalid("""{ "name": "x", "symbol": "SOL_USDC", "makerTakerHedge": { "orderQuantity": "1", "hedgeVenue": "kraken", "inventoryRange": "2" } }""");
        Assert.Equal(["maker_taker_hedge.hedge_venue"], refused.Violations.Select(v => v.Field));
    }

    [Fact]
    public void CrossMarketHedge_OnTheInstancesOwnMarket_IsTheSeedsHedge_AndOnBackpack_TakesAClientIdTag()
    {
        var same = new InstanceSpec { Name = "x", Symbol = "SOL_USDC", MakerTakerHedge = new GrpcMM.Protos.V1.MakerTakerHedgeConfig { HedgeVenue = "paper", HedgeSymbol = "SOL_USDC" } };
        Assert.Null(SpecValidator.Validate(same, "cli").HedgeMarket);

        var cross = new InstanceSpec
        {
            Name = "x", Symbol = "SOL_USDC",
            MakerTakerHedge = new GrpcMM.Protos.V1.MakerTakerHedgeConfig { HedgeVenue = "backpack", HedgeSymbol = "SOL_USDC_PERP" },
        };
        var validated = SpecValidator.Validate(cross, "cli");
        Assert.Equal(new HedgeTarget("backpack", "SOL_USDC_PERP"), validated.HedgeMarket);
        Assert.True(validated.Uses("backpack") && validated.Uses("paper"));
        Assert.Equal(Exchanges.Backpack.BackpackClientIds.DefaultTag("x"), validated.BackpackClientIdTag);
    }

    [Fact]
    public void AvellanedaStoikov_IsValidated_OnBothMarketMakers()
    {
        var ex = Invalid("""
            { "name": "a", "symbol": "SOL_USDC_PERP",
              "perpMarketMaking": { "spreadPct": "0.5", "avellanedaStoikov": { "maxSpreadPct": "0.2", "depthLevels": 99, "horizon": "0.1s" } } }
            """);
        Assert.Equal(["perp_market_making.avellaneda_stoikov.risk_aversion", "perp_market_making.avellaneda_stoikov.horizon",
            "perp_market_making.avellaneda_stoikov.depth_levels", "perp_market_making.avellaneda_stoikov.max_spread_pct"], ex.Violations.Select(v => v.Field));
        var spec = new InstanceSpec
        {
            Name = "a", Symbol = "SOL_USDC",
            SpotMarketMaking = new SpotMarketMakingConfig { SpreadPct = "0.2", AvellanedaStoikov = new AvellanedaStoikovOptions { RiskAversion = "0.5" } },
        };
        var model = SpecValidator.Validate(spec, "cli").SpotMarketMaking!.AvellanedaStoikov!;
        Assert.Equal((0.5m, TimeSpan.FromSeconds(60), 10, 2m), (model.RiskAversion, model.Horizon, model.DepthLevels, model.MaxSpreadPct));
    }
}
