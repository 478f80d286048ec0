namespace Mmd.Exchanges.Backpack;

/// <summary>How a parameter's value is written in a JSON body (the signing string always takes the raw text).</summary>
public enum BackpackValueKind
{
    Text,
    Number,
    Boolean,
}

/// <summary>
/// One request parameter, as both the signing string and the request carry it: a query value or a JSON body field.
/// Decimals travel as strings; client ids as numbers; flags as booleans.
/// </summary>
public readonly record struct BackpackParameter(string Name, string Value, BackpackValueKind Kind = BackpackValueKind.Text)
{
    public static BackpackParameter Text(string name, string value) => new(name, value);

    public static BackpackParameter Number(string name, long value) =>
        new(name, value.ToString(System.Globalization.CultureInfo.InvariantCulture), BackpackValueKind.Number);

    public static BackpackParameter Flag(string name, bool value) => new(name, value ? "true" : "false", BackpackValueKind.Boolean);

    public static BackpackParameter Amount(string name, decimal value) =>
        new(name, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
