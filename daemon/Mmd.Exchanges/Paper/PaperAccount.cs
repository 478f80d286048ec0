namespace Mmd.Exchanges.Paper;

/// <summary>Funds of one asset; Available = Total - Locked.</summary>
internal sealed class AssetBalance
{
    public decimal Total { get; set; }
    public decimal Locked { get; set; }
    public decimal Available => Total - Locked;
}

/// <summary>A perpetual position: signed quantity and average entry price.</summary>
internal sealed class PaperPosition
{
    public decimal Quantity { get; set; }
    public decimal EntryPrice { get; set; }
    public decimal RealizedPnl { get; set; }
}

/// <summary>One paper account: balances with locks, perp positions (collateral in the quote asset).</summary>
internal sealed class PaperAccount(string name)
{
    public string Name { get; } = name;
    public Dictionary<string, AssetBalance> Balances { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, PaperPosition> Positions { get; } = new(StringComparer.Ordinal);

    public AssetBalance Balance(string asset)
    {
        if (!Balances.TryGetValue(asset, out var balance)) Balances[asset] = balance = new AssetBalance();
        return balance;
    }

    public PaperPosition Position(string symbol)
    {
        if (!Positions.TryGetValue(symbol, out var position)) Positions[symbol] = position = new PaperPosition();
        return position;
    }
}
