using System.Globalization;
using System.Text;
using System.Text.Json;
using Mmd.Backtest;

namespace Mmd.Hosting;

/// <summary>
/// <c>mmd backtest -o json</c>: one JSON object a line for each run (a setting and a seed), for a script or a notebook to
/// compare. Money and quantities are decimal strings, as on the daemon's wire; names are lowerCamelCase, as its JSON.
/// </summary>
internal static class BacktestJsonLine
{
    /// <param name="sample">With a holdout: "in" for a run the best setting is chosen from, "out" for one on the span held out; null without.</param>
    public static string Write(IReadOnlyList<FieldSetting> settings, ulong seed, DateTimeOffset start, BacktestResult o, string? sample = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("settings");
            foreach (var s in settings) json.WriteString(s.Path, s.Value);
            json.WriteEndObject();
            if (sample is not null) json.WriteString("sample", sample);
            json.WriteString("seed", seed.ToString(CultureInfo.InvariantCulture));
            json.WriteString("start", start.ToUniversalTime());
            json.WriteNumber("simulatedSeconds", o.Simulated.TotalSeconds);
            json.WriteNumber("steps", o.Steps);
            json.WriteNumber("wallSeconds", Math.Round(o.WallTime.TotalSeconds, 3));
            json.WriteBoolean("interrupted", o.Interrupted);
            json.WriteString("baseAsset", o.Final.BaseAsset);
            json.WriteString("quoteAsset", o.Final.QuoteAsset);
            Money(json, "netPnl", o.NetPnl);
            Money(json, "maxDrawdown", o.MaxDrawdown);
            json.WriteBoolean("bothMarkets", o.BothMarkets);
            var c = o.Final.Cumulative;
            Money(json, "realizedPnl", c.RealizedPnl);
            Money(json, "unrealizedPnl", c.UnrealizedPnl);
            Money(json, "fees", c.FeesInQuote);
            Money(json, "position", c.Position);
            Money(json, "furthestPosition", o.Furthest);
            json.WriteNumber("fills", c.Fills);
            json.WriteNumber("buyFills", c.BuyFills);
            json.WriteNumber("sellFills", c.SellFills);
            Money(json, "quoteVolume", c.QuoteVolume);
            // Where each market ended: a recorded market at its recording's last price.
            if (o.Final.Mid is { } mid) Money(json, "mid", mid);
            if (o.Final.StrategyFigures?.Hedge is { } hedge)
            {
                json.WriteNumber("hedges", hedge.Hedges);
                if (hedge.Market?.Mid is { } hedgeMid) Money(json, "hedgeMid", hedgeMid);
            }
            json.WriteNumber("ordersLeft", o.OrdersLeft);
            json.WriteString("stopReason", o.StopReason);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Money(Utf8JsonWriter json, string name, decimal value) => json.WriteString(name, value.ToString(CultureInfo.InvariantCulture));
}
