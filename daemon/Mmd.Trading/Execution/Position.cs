namespace Mmd.Trading.Execution;

/// <summary>A perpetual position. <see cref="Quantity"/> is signed: long &gt; 0, short &lt; 0.</summary>
public sealed record Position(string Symbol, decimal Quantity, decimal EntryPrice, decimal MarkPrice, decimal UnrealizedPnl);
