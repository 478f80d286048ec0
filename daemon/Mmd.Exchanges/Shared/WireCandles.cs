using System.Text.Json;
using Mmd.Trading.Execution;

namespace Mmd.Exchanges.Shared;

/// <summary>
/// Candles sent as rows, <c>[open time ms, open, high, low, close, volume, ...]</c> (Aster's and Paradex's klines):
/// the figures as strings on one venue, bare JSON numbers on another, both read exactly as decimals.
/// </summary>
public static class WireCandles
{
    public static Candle Parse(JsonElement[] row) =>
        new(DateTimeOffset.FromUnixTimeMilliseconds(row[0].GetInt64()), Figure(row[1]), Figure(row[2]), Figure(row[3]), Figure(row[4]), Figure(row[5]));

    private static decimal Figure(JsonElement e) => e.ValueKind == JsonValueKind.String ? WireLevels.Money(e.GetString()!) : e.GetDecimal();
}
