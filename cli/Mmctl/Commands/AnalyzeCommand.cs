using Cocona;
using Cocona.ShellCompletion.Candidate;
using GrpcMM.Protos.V1;
using Mmctl.Completion;

namespace Mmctl.Commands;

/// <summary>`mmctl analyze NAME`: the seed's market analysis of the market a running instance quotes, read by its worker now.</summary>
[UsageRules, IgnoreUnknownOptions]
public sealed class AnalyzeCommand
{
    [Command("analyze", Description = "The market a running instance quotes, analysed now (the seed's market analysis): trend, volatility, the book, and the spread and levels to start with")]
    public Task<int> Analyze([Argument, InstanceNames] string name,
        [Option(Description = "The interval of the candles: 1m, 5m, 15m, 30m, 1h, 4h or 1d (default 15m)"), CompletionCandidates(new[] { "1m", "5m", "15m", "30m", "1h", "4h", "1d" })] string? interval,
        [Option(Description = "Closed candles to read, 50 to 1000 (default 100)")] uint? candles,
        CommonOptions o) => InstanceCommands.Run(o, async (c, ct) =>
    {
        var response = await c.Instances.GetMarketAnalysisAsync(new GetMarketAnalysisRequest { Name = name, Interval = interval ?? "", Candles = candles ?? 0 }, cancellationToken: ct);
        if (o.Json) Output.Printer.JsonLine(response.Analysis);
        else Output.Printer.Analysis(name, response.Analysis);
        return ExitCodes.Ok;
    });
}
