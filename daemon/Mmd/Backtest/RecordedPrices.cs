using System.Globalization;
using CsvHelper;
using Mmd.Exchanges.Paper;
using Mmd.Trading.Primitives;

namespace Mmd.Backtest;

/// <summary>A recorded-prices file that cannot be read: the file, the line and what is wrong there.</summary>
public sealed class RecordedPricesException(string file, long? line, string problem)
    : Exception(line is { } l ? $"{file}:{l}: {problem}" : $"{file}: {problem}");

/// <summary>
/// A market's recorded prices from a CSV file, as the paper venue's scripted price path, so a backtest trades the market
/// that was rather than a random walk. Three layouts, told apart by the first row's field count:
/// <c>time,price</c> (trades or mids), <c>time,price,quantity,side</c> (trades with the taker's side, buy or sell: they
/// also replace the random taker flow, <see cref="TradeTape"/>), or <c>time,open,high,low,close[,...]</c> (candles, as
/// exchanges export klines; the columns after the fifth are ignored). Time is Unix seconds, milliseconds or microseconds
/// (by magnitude), or an ISO 8601 date and time (UTC unless it says otherwise). A header row, empty lines and lines
/// starting with '#' are skipped. Rows go forward in time; trades of the same moment may share it.
/// </summary>
/// <param name="First">The first row's time: where the simulated clock starts.</param>
/// <param name="Last">Where the recording ends (a candle's close: its open plus the spacing of the rows).</param>
/// <param name="Candles">The file held candles: each became four points (open, the extremes in the likelier order, close).</param>
/// <param name="Tape">The file held trades with their sides: the market's taker flow (the path is their prices, the last of a moment's).</param>
public sealed record RecordedPrices(string File, DateTimeOffset First, DateTimeOffset Last, int Rows, bool Candles, PricePath Path, TradeTape? Tape = null)
{
    /// <summary>A month of one-second rows, or years of one-minute candles; a larger file is more likely the wrong one.</summary>
    public const int MaxRows = 3_000_000;

    public TimeSpan Span => Last - First;

    public static async Task<RecordedPrices> ReadAsync(string file, CancellationToken cancellationToken)
    {
        var options = CsvReaderOptions.Default with { HasHeader = false, TrackLineNumbers = true, CommentPrefix = '#' };
        var rows = new List<(DateTimeOffset Time, decimal[] Prices, Side Side)>();
        int? width = null; // the first row's layout decides the file's
        var header = false;
        await using (var csv = CsvReader.FromFile(file, options))
        {
            try
            {
                while (await csv.ReadAsync(cancellationToken))
                {
                    var line = csv.LineNumber;
                    if (rows.Count == 0 && !header && !TryTime(csv.GetString(0), out _))
                    {
                        header = true;
                        continue;
                    }
                    var fields = csv.FieldCount;
                    if (width is null)
                    {
                        if (fields == 3)
                            throw new RecordedPricesException(file, line, $"{fields} fields: expected time,price or time,price,quantity,side or time,open,high,low,close[,...]");
                        width = Math.Min(fields, 5);
                    }
                    else if (fields < width)
                    {
                        throw new RecordedPricesException(file, line, $"{fields} fields where the file's first row had {width}");
                    }
                    if (rows.Count == MaxRows) throw new RecordedPricesException(file, line, $"more than {MaxRows:N0} rows");
                    if (!TryTime(csv.GetString(0), out var time))
                        throw new RecordedPricesException(file, line, $"'{csv.GetString(0)}' is not a time (Unix seconds, milliseconds or microseconds, or ISO 8601)");
                    var trades = width == 4;
                    // Trades of one moment share its time (an exchange's trades carry milliseconds); prices and candles do not.
                    if (rows.Count > 0 && (trades ? time < rows[^1].Time : time <= rows[^1].Time))
                        throw new RecordedPricesException(file, line, $"{Iso(time)} is not after the row before ({Iso(rows[^1].Time)}): rows go forward in time");
                    var prices = new decimal[trades ? 2 : width.Value - 1];
                    for (var i = 0; i < prices.Length; i++)
                    {
                        var text = csv.GetString(i + 1);
                        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out prices[i]) || prices[i] <= 0)
                            throw new RecordedPricesException(file, line, $"'{text}' is not a positive {(trades && i == 1 ? "quantity" : "price")} ({ColumnName(width.Value, i + 1)})");
                    }
                    if (prices.Length == 4 && (prices[1] < Math.Max(prices[0], prices[3]) || prices[2] > Math.Min(prices[0], prices[3])))
                        throw new RecordedPricesException(file, line, $"high {prices[1]} and low {prices[2]} do not hold open {prices[0]} and close {prices[3]}");
                    var side = Side.Buy;
                    if (trades && !TrySide(csv.GetString(3), out side))
                        throw new RecordedPricesException(file, line, $"'{csv.GetString(3)}' is not a side: buy or sell (the taker's)");
                    rows.Add((time, prices, side));
                }
            }
            catch (CsvFormatException ex)
            {
                throw new RecordedPricesException(file, null, ex.Message);
            }
        }
        if (rows.Count < 2) throw new RecordedPricesException(file, null, $"{rows.Count} row(s) of prices: at least two, a span of time");

        var first = rows[0].Time;
        if (rows[^1].Time == first) throw new RecordedPricesException(file, null, $"{rows.Count} trades at one moment: at least two times, a span of time");
        var candles = width == 5;
        var points = new List<(TimeSpan At, decimal Price)>(candles ? rows.Count * 4 : rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var (time, prices, _) = rows[i];
            var at = time - first;
            if (!candles)
            {
                // The last trade of a moment is where the price stood after it.
                if (points.Count > 0 && points[^1].At == at) points[^1] = (at, prices[0]);
                else points.Add((at, prices[0]));
                continue;
            }
            // A candle is the span to the next one's open (the last: as long as the one before). Within it the price
            // goes to the extreme nearer the open first: a candle that closes up more likely went down before it went up.
            var length = (i + 1 < rows.Count ? rows[i + 1].Time : time + (time - rows[i - 1].Time)) - time;
            var (open, high, low, close) = (prices[0], prices[1], prices[2], prices[3]);
            var (early, late) = close >= open ? (low, high) : (high, low);
            points.Add((at, open));
            points.Add((at + length / 3, early));
            points.Add((at + length * 2 / 3, late));
            points.Add((at + length, close));
        }
        var last = first + points[^1].At;
        var tape = width == 4 ? new TradeTape(rows.Select(r => new RecordedTrade(r.Time - first, r.Side, r.Prices[0], r.Prices[1]))) : null;
        return new RecordedPrices(file, first, last, rows.Count, candles, new PricePath(points), tape);
    }

    /// <summary>
    /// The path as seen from <paramref name="start"/>, a moment within the recording: a hedge market's own recording on the
    /// clock the quoted market's recording sets (its price at that moment first, then its points after it).
    /// </summary>
    public PricePath PathFrom(DateTimeOffset start)
    {
        if (start < First || start > Last) throw new ArgumentOutOfRangeException(nameof(start), start, $"{File} covers {Iso(First)} to {Iso(Last)}");
        var offset = start - First;
        if (offset == TimeSpan.Zero) return Path;
        var points = new List<(TimeSpan At, decimal Price)> { (TimeSpan.Zero, Path.At(offset)!.Value) };
        points.AddRange(Path.Points.Where(p => p.At > offset).Select(p => (p.At - offset, p.Price)));
        return new PricePath(points);
    }

    /// <summary>The recorded trades from <paramref name="start"/> on, on its clock (those before it are not replayed); null for prices or candles.</summary>
    public TradeTape? TapeFrom(DateTimeOffset start)
    {
        if (Tape is null || start == First) return Tape;
        var offset = start - First;
        return new TradeTape(Tape.Trades.Where(t => t.At >= offset).Select(t => t with { At = t.At - offset }));
    }

    private static string ColumnName(int width, int column) => width switch
    {
        2 => "price",
        4 => column == 1 ? "price" : "quantity",
        _ => column switch { 1 => "open", 2 => "high", 3 => "low", _ => "close" },
    };

    private static bool TrySide(string text, out Side side)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "buy" or "b":
                side = Side.Buy;
                return true;
            case "sell" or "s":
                side = Side.Sell;
                return true;
            default:
                side = default;
                return false;
        }
    }

    internal static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>Unix time by its magnitude (seconds below 10^11, milliseconds below 10^14, else microseconds), or ISO 8601.</summary>
    private static bool TryTime(string text, out DateTimeOffset time)
    {
        time = default;
        if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            var seconds = number < 100_000_000_000m ? number : number < 100_000_000_000_000m ? number / 1000m : number / 1_000_000m;
            if (seconds > 253_402_300_799m) return false; // past 9999-12-31
            time = DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
            return true;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
    }
}
