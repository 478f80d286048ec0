namespace Mmd.Exchanges.Backpack;

/// <summary>The blockchains Backpack takes deposits on (its OpenAPI's <c>Blockchain</c>), spelled as its API wants them.</summary>
public static class BackpackBlockchains
{
    public static IReadOnlyList<string> All { get; } =
    [
        "0G", "Aptos", "Arbitrum", "Avalanche", "Base", "Berachain", "Bitcoin", "BitcoinCash", "Bsc", "Cardano", "Dogecoin", "Eclipse",
        "EqualsMoney", "Ethereum", "HyperEVM", "Hyperliquid", "Linea", "Litecoin", "Monad", "Optimism", "Plasma", "Polygon", "Sei", "Sui",
        "Solana", "Story", "Tron", "XRP", "Zcash",
    ];

    /// <summary>The API's spelling of <paramref name="name"/> in any case ("solana" is "Solana"); null when Backpack has no such chain.</summary>
    public static string? Find(string name) => All.FirstOrDefault(b => string.Equals(b, name, StringComparison.OrdinalIgnoreCase));
}
