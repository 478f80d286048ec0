using Cocona;
using Mmctl.Completion;
using Grpc.Health.V1;

namespace Mmctl.Commands;

/// <summary>`mmctl health [NAME]`: grpc.health.v1 for the daemon or one instance; exit 0 only when SERVING.</summary>
[UsageRules, IgnoreUnknownOptions]
public sealed class HealthCommand
{
    [Command("health", Description = "SERVING or not: the daemon, or one instance (exit code 0 only when serving)")]
    public Task<int> Health([Argument, InstanceNames] string? name, CommonOptions o) => InstanceCommands.Run(o, async (c, ct) =>
    {
        var service = name is null ? "" : "instance/" + name;
        HealthCheckResponse response;
        try
        {
            response = await c.Health.CheckAsync(new HealthCheckRequest { Service = service }, cancellationToken: ct);
        }
        catch (Grpc.Core.RpcException ex) when (ex.StatusCode == Grpc.Core.StatusCode.NotFound && name is not null)
        {
            // grpc.health.v1 answers an unknown service with NOT_FOUND and no message: say what was not found.
            Console.Error.WriteLine($"mmctl: not found: no instance named '{name}'");
            return ExitCodes.From(ex.StatusCode);
        }
        if (o.Json) Output.Printer.JsonLine(response);
        else Console.Out.WriteLine($"{(name ?? "mmd")}: {response.Status.ToString().ToUpperInvariant()}");
        return response.Status == HealthCheckResponse.Types.ServingStatus.Serving ? ExitCodes.Ok : ExitCodes.Failure;
    });
}
