using System.Globalization;
using CsvHelper;
using Mmd.Backtest;

namespace Mmd.Hosting;

/// <summary>
/// <c>mmd backtest --equity-curve FILE</c>: every run's equity curve in one CSV, a row a point (long form: a column for each
/// varied field, then the seed, so a notebook groups by them), written run by run as each ends, in the runs' order.
/// Times are ISO 8601 UTC; money and quantities invariant decimals; an unknown mid or a missing hedge market an empty field.
/// </summary>
internal sealed class BacktestEquityCurve : IDisposable
{
    private static readonly string[] Columns = ["seed", "time", "mid", "position", "hedge_position", "net_pnl", "drawdown", "fills"];
    private readonly CsvWriter _csv;

    private BacktestEquityCurve(CsvWriter csv) => _csv = csv;

    /// <param name="varied">The fields a sweep varies (none for a single spec): their paths head the first columns.</param>
    public static BacktestEquityCurve Create(string path, IReadOnlyList<FieldSetting> varied)
    {
        var curve = new BacktestEquityCurve(CsvWriter.ToFile(path, CsvWriterOptions.Default, FileOptions.None));
        curve._csv.WriteRecord([.. varied.Select(s => s.Path), .. Columns]);
        return curve;
    }

    public void Write(IReadOnlyList<FieldSetting> settings, ulong seed, BacktestResult run)
    {
        foreach (var point in run.EquityCurve)
        {
            _csv.WriteRecord([
                .. settings.Select(s => s.Value),
                seed.ToString(CultureInfo.InvariantCulture),
                RecordedPrices.Iso(point.Time),
                Text(point.Mid),
                Text(point.Position),
                Text(point.HedgePosition),
                Text(point.NetPnl),
                Text(point.Drawdown),
                point.Fills.ToString(CultureInfo.InvariantCulture),
            ]);
        }
        _csv.Flush(); // a run's rows whole on disk as it ends: an interrupted sweep keeps those run
    }

    private static string Text(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    public void Dispose() => _csv.Dispose();
}
