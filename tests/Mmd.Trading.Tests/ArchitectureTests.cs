using Mmd.Trading.Execution;

namespace Mmd.Trading.Tests;

public class ArchitectureTests
{
    [Fact]
    public void Trading_ReferencesNoInfrastructure()
    {
        var references = typeof(IExchangeConnector).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        string[] forbidden = ["Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore", "System.Net.Http", "Google.Protobuf", "Grpc", "Mmd.Exchanges", "Mmd.Persistence", "Serilog"];
        Assert.DoesNotContain(references, r => forbidden.Any(f => r.StartsWith(f, StringComparison.Ordinal)));
    }

    [Fact]
    public void Trading_UsesNoDouble_ForMoney()
    {
        // Money-bearing records carry decimal only.
        Type[] money = [typeof(PlaceOrderRequest), typeof(VenueOrder), typeof(VenueFill), typeof(Balance), typeof(Position), typeof(Stats.StatsFigures)];
        foreach (var type in money)
            Assert.DoesNotContain(type.GetProperties(), p => p.PropertyType == typeof(double) || p.PropertyType == typeof(float) || p.PropertyType == typeof(double?));
    }
}
