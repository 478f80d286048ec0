using System.Text.Json;
using Mmd.Exchanges.Aster;
using Mmd.Exchanges.Shared;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Tests.Aster;

/// <summary>Aster's JSON as its API documentation shows it (exchanges.md §2.2, §2.6), read into the port's types.</summary>
public class AsterWireTests
{
    private const string ExchangeInfo = """
        {"timezone":"UTC","serverTime":1748310859508,
         "rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":2400},
                       {"rateLimitType":"ORDERS","interval":"MINUTE","intervalNum":1,"limit":1200}],
         "symbols":[
          {"symbol":"SOLUSDT","pair":"SOLUSDT","contractType":"PERPETUAL","status":"TRADING","baseAsset":"SOL","quoteAsset":"USDT","marginAsset":"USDT",
           "pricePrecision":4,"quantityPrecision":2,"triggerProtect":"0.0500",
           "filters":[{"filterType":"PRICE_FILTER","minPrice":"0.4200","maxPrice":"6857","tickSize":"0.0100"},
                      {"filterType":"LOT_SIZE","stepSize":"0.01","maxQty":"1000000","minQty":"0.01"},
                      {"filterType":"MARKET_LOT_SIZE","stepSize":"0.01","maxQty":"5000","minQty":"0.01"},
                      {"filterType":"MAX_NUM_ORDERS","limit":200},
                      {"filterType":"MIN_NOTIONAL","notional":"5"},
                      {"filterType":"PERCENT_PRICE","multiplierUp":"1.0500","multiplierDown":"0.9500","multiplierDecimal":4}],
           "OrderType":["LIMIT","MARKET"],"timeInForce":["GTC","IOC","FOK","GTX"]},
          {"symbol":"OLDUSDT","pair":"OLDUSDT","contractType":"PERPETUAL","status":"SETTLING","baseAsset":"OLD","quoteAsset":"USDT","marginAsset":"USDT",
           "pricePrecision":2,"quantityPrecision":0,"filters":[{"filterType":"PRICE_FILTER","tickSize":"0.01"},{"filterType":"LOT_SIZE","stepSize":"1","minQty":"1"}]}
         ]}
        """;

    [Fact]
    public void ExchangeInfo_TheTickIsThePriceFiltersTickSize_NotThePricePrecision_AndOnlyTradingPerpetualsAreListed()
    {
        var info = JsonSerializer.Deserialize<AsterExchangeInfo>(ExchangeInfo, AsterJson.Options)!;
        Assert.Equal([("REQUEST_WEIGHT", 2400), ("ORDERS", 1200)], info.RateLimits.Select(l => (l.RateLimitType, l.Limit)));
        var instruments = info.Symbols.Select(AsterMapping.Instrument).OfType<InstrumentSpec>().ToList();
        var sol = Assert.Single(instruments);
        Assert.Equal(("SOLUSDT", "SOL", "USDT", InstrumentKind.Perpetual), (sol.Symbol, sol.BaseAsset, sol.QuoteAsset, sol.Kind));
        Assert.Equal((0.01m, 0.01m, 0.01m, 5m), (sol.TickSize, sol.StepSize, sol.MinQuantity, sol.MinNotional)); // pricePrecision 4 would say 0.0001
    }

    [Fact]
    public void DiffDepthEvent_KeepsItsUpdateIds_AndTellsTheEventFromItsTime()
    {
        const string json = """{"e":"depthUpdate","E":1748310859600,"T":1748310859598,"s":"SOLUSDT","U":390497796,"u":390497878,"pu":390497794,"b":[["149.98","3.2"],["149.90","0"]],"a":[["150.02","1.5"]]}""";
        var e = JsonSerializer.Deserialize<AsterDepthUpdate>(json, AsterJson.Options)!;
        Assert.Equal(("depthUpdate", 1748310859600L, 390497796L, 390497878L, 390497794L), (e.Event, e.EventTime, e.FirstUpdateId, e.FinalUpdateId, e.PreviousFinalUpdateId));
        var bids = WireLevels.Parse(e.Bids);
        Assert.Equal((149.98m, 3.2m), (bids[0].Price, bids[0].Quantity));
        Assert.Equal(0m, bids[1].Quantity); // 0 deletes the level
    }

    [Fact]
    public void OrderTradeUpdate_CarriesTheOrdersStateAndTheTrade()
    {
        const string json = """
            {"e":"ORDER_TRADE_UPDATE","E":1748310859700,"T":1748310859699,
             "o":{"s":"SOLUSDT","c":"mm_m1x2y3","S":"SELL","o":"LIMIT","f":"GTX","q":"0.50","p":"150.02","ap":"150.02","sp":"0","x":"TRADE","X":"PARTIALLY_FILLED",
                  "i":8886774,"l":"0.20","z":"0.20","L":"150.02","N":"USDT","n":"0.0060008","T":1748310859699,"t":90210,"b":"0","a":"30.004","m":true,"R":false,
                  "wt":"CONTRACT_PRICE","ot":"LIMIT","ps":"BOTH","cp":false,"rp":"0"}}
            """;
        var update = JsonSerializer.Deserialize<AsterOrderTradeUpdate>(json, AsterJson.Options)!;
        var o = update.Order;
        Assert.Equal(("ORDER_TRADE_UPDATE", "mm_m1x2y3", Side.Sell), (update.Event, o.ClientOrderId, AsterMapping.SideOf(o.Side)));
        Assert.Equal((TimeInForce.Gtc, true), AsterMapping.TimeInForceOf(o.TimeInForce)); // GTX is post-only
        Assert.Equal((VenueOrderStatus.PartiallyFilled, 0.20m, 0.20m, 150.02m, 90210L, true), (AsterMapping.StatusOf(o.Status), o.LastFilledQuantity, o.FilledQuantity,
            o.LastFilledPrice, o.TradeId, o.IsMaker));
        Assert.Equal((0.0060008m, "USDT"), (o.Commission!.Value, o.CommissionAsset));
    }

    [Fact]
    public void Errors_OrderStatuses_AndPostOnly_MapAsTheVenueMeansThem()
    {
        var error = JsonSerializer.Deserialize<AsterError>("""{"code":-1121,"msg":"Invalid symbol."}""", AsterJson.Options)!;
        Assert.Equal((-1121, "Invalid symbol."), (error.Code, error.Msg));
        Assert.Equal([VenueOrderStatus.Open, VenueOrderStatus.PartiallyFilled, VenueOrderStatus.Filled, VenueOrderStatus.Cancelled, VenueOrderStatus.Expired, VenueOrderStatus.Rejected],
            new[] { "NEW", "PARTIALLY_FILLED", "FILLED", "CANCELED", "EXPIRED", "REJECTED" }.Select(AsterMapping.StatusOf));
        Assert.Throws<FormatException>(() => AsterMapping.StatusOf("NEW_INSURANCE"));
        Assert.Equal("GTX", AsterMapping.ToWire(TimeInForce.Gtc, postOnly: true));
        Assert.Equal(["GTC", "IOC", "FOK"], new[] { TimeInForce.Gtc, TimeInForce.Ioc, TimeInForce.Fok }.Select(t => AsterMapping.ToWire(t, postOnly: false)));
        var order = JsonSerializer.Deserialize<AsterOrder>("""
            {"orderId":22542179,"symbol":"SOLUSDT","status":"NEW","clientOrderId":"mm_1","price":"149.97","avgPrice":"0.00000","origQty":"0.50","executedQty":"0",
             "cumQuote":"0","timeInForce":"GTX","type":"LIMIT","reduceOnly":false,"closePosition":false,"side":"BUY","positionSide":"BOTH","updateTime":1748310859600}
            """, AsterJson.Options)!;
        Assert.Equal((22542179L, 149.97m, 0.50m, 0m), (order.OrderId, order.Price, order.OrigQty, order.ExecutedQty));
    }
}
