using System.Globalization;
using GrpcMM.Protos.V1;

namespace Mmctl.Output;

/// <summary>`mmctl export`: fills as CSV (RFC 4180), one row each, a header first.</summary>
public static partial class Printer
{
    public const string FillsCsvHeader =
        "time,venue,symbol,side,price,quantity,quote_quantity,fee,fee_asset,liquidity,purpose,trade_id,client_order_id,venue_order_id";

    public static string FillCsv(Fill f)
    {
        var quote = Number(f.Price) * Number(f.Quantity);
        string[] fields =
        [
            f.Time.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), f.Venue, f.Symbol, Words(f.Side.ToString()),
            f.Price, f.Quantity, Plain(quote), f.Fee, f.FeeAsset, f.Maker ? "maker" : "taker",
            Words(f.Purpose.ToString()), f.TradeId, f.ClientOrderId, f.VenueOrderId,
        ];
        return string.Join(',', fields.Select(Csv));
    }

    // By hand rather than CsvHelper: mmctl is a Native AOT binary, and these few rules are the whole of RFC 4180's quoting.
    private static string Csv(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
