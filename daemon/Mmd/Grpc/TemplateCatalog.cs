using GrpcMM.Protos.V1;
using Mmd.Specs;

namespace Mmd.Grpc;

/// <summary>
/// The spec templates (daemon/templates/*.json, copied beside the executable), read at the first request that needs
/// them: parsing them costs the daemon's start-up more than a hundred milliseconds it need not spend before serving.
/// </summary>
public sealed class TemplateCatalog(string folder)
{
    private readonly Lazy<IReadOnlyList<Template>> _templates = new(() => Read(folder), LazyThreadSafetyMode.ExecutionAndPublication);

    private static List<Template> Read(string folder)
    {
        var list = new List<Template>();
        if (Directory.Exists(folder))
            foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
            {
                var spec = InstanceSpecJson.Parse(file, File.ReadAllBytes(file), out _);
                list.Add(new Template { Name = Path.GetFileNameWithoutExtension(file), Description = Describe(spec), Spec = spec });
            }
        return list;
    }

    public static string DefaultFolder => Path.Combine(AppContext.BaseDirectory, "templates");

    public IReadOnlyList<Template> All() => _templates.Value;

    public Template? Find(string name) => _templates.Value.FirstOrDefault(t => t.Name == name);

    private static string Describe(InstanceSpec spec) => spec.StrategyCase switch
    {
        InstanceSpec.StrategyOneofCase.SpotMarketMaking =>
            $"spot market making on {(spec.Venue.Length == 0 ? "paper" : spec.Venue)} {spec.Symbol}, spread {spec.SpotMarketMaking.SpreadPct}%",
        InstanceSpec.StrategyOneofCase.PerpMarketMaking =>
            $"perp market making on {(spec.Venue.Length == 0 ? "paper" : spec.Venue)} {spec.Symbol}, spread {spec.PerpMarketMaking.SpreadPct}%, max position {(spec.PerpMarketMaking.MaxPosition.Length == 0 ? "1" : spec.PerpMarketMaking.MaxPosition)}",
        InstanceSpec.StrategyOneofCase.SpotGrid =>
            $"spot grid on {(spec.Venue.Length == 0 ? "paper" : spec.Venue)} {spec.Symbol}, " +
            (spec.SpotGrid.LowerPrice.Length > 0 && !spec.SpotGrid.AutoPriceRange ? $"{spec.SpotGrid.LowerPrice}-{spec.SpotGrid.UpperPrice}" : $"mid -/+ {(spec.SpotGrid.PriceRangePct.Length == 0 ? "5" : spec.SpotGrid.PriceRangePct)}%") +
            $", {(spec.SpotGrid.HasLevels ? spec.SpotGrid.Levels : 10)} levels",
        InstanceSpec.StrategyOneofCase.PerpGrid =>
            $"perp grid ({(spec.PerpGrid.Type == GridType.Unspecified ? "neutral" : spec.PerpGrid.Type.ToString().ToLowerInvariant())}) on {(spec.Venue.Length == 0 ? "paper" : spec.Venue)} {spec.Symbol}, " +
            (spec.PerpGrid.LowerPrice.Length > 0 && !spec.PerpGrid.AutoPriceRange ? $"{spec.PerpGrid.LowerPrice}-{spec.PerpGrid.UpperPrice}" : $"mid -/+ {(spec.PerpGrid.PriceRangePct.Length == 0 ? "5" : spec.PerpGrid.PriceRangePct)}%") +
            $", {(spec.PerpGrid.HasLevels ? spec.PerpGrid.Levels : 10)} levels",
        InstanceSpec.StrategyOneofCase.MakerTakerHedge =>
            $"maker-taker hedge on {(spec.Venue.Length == 0 ? "paper" : spec.Venue)} {spec.Symbol}, size {(spec.MakerTakerHedge.OrderQuantity.Length == 0 ? "auto" : spec.MakerTakerHedge.OrderQuantity)}",
        _ => $"{spec.StrategyCase} on {spec.Venue} {spec.Symbol}",
    };
}
