using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Mmd.Configuration;
using Mmd.Specs;
using Mmd.Supervision;
using Mmd.Worker;

namespace Mmd.Hosting;

/// <summary>
/// <c>mmd worker</c>: one supervised instance, started by the daemon. Its spec comes from the environment
/// (never the command line); it reports to the daemon over the worker socket and stops when told to, or on SIGTERM.
/// </summary>
public static class WorkerCommand
{
    public static Command Create()
    {
        var instance = new Option<string>("--instance") { Description = "Instance name (for ps; the spec comes from MMD_WORKER_SPEC)", Required = true };
        var command = new Command("worker", "Run one instance under the daemon (started by mmd, not by hand)") { Hidden = true };
        var sweep = new Option<bool>("--sweep") { Description = "Only reconcile and cancel the instance's orders, then exit: no quote (after a worker that left its book unconfirmed)" };
        var operatorStart = new Option<bool>("--operator-start")
        {
            Description = "Started by an operator (mmctl start or restart): a kill switch an earlier run tripped is cleared. Without it (the supervisor's restart) it holds",
        };
        command.Options.Add(instance);
        command.Options.Add(sweep);
        command.Options.Add(operatorStart);
        command.SetAction(async (result, cancellationToken) =>
        {
            var env = RunCommand.EnvironmentVariables();
            DaemonConfig config;
            ValidatedSpec spec;
            GrpcMM.Protos.V1.InstanceSpec proto;
            try
            {
                // The daemon's own configuration, not daemon.json read again (see WorkerSettingsEncoding).
                config = WorkerSettingsEncoding.Decode(env.GetValueOrDefault(WorkerLauncher.SettingsVariable)
                    ?? throw new ConfigException("(environment)", null, WorkerLauncher.SettingsVariable, "not set (workers are started by mmd)"));
                var encoded = env.GetValueOrDefault(WorkerLauncher.SpecVariable) ?? throw new InvalidSpecException("worker", [new("(spec)", $"{WorkerLauncher.SpecVariable} is not set")]);
                proto = WorkerSpec.Decode(encoded);
                spec = SpecValidator.Validate(proto, WorkerLauncher.SpecVariable);
                if (spec.Name != result.GetValue(instance)) throw new InvalidSpecException("worker", [new("name", $"the spec is for '{spec.Name}', not '{result.GetValue(instance)}'")]);
            }
            catch (Exception ex) when (ex is ConfigException or InvalidSpecException)
            {
                await Console.Error.WriteLineAsync($"mmd worker: {ex.Message}");
                if (ex is InvalidSpecException bad) foreach (var line in bad.Describe()) await Console.Error.WriteLineAsync("  " + line);
                return ExitCodes.InvalidInput;
            }

            var healthInterval = TimeSpan.FromMilliseconds(long.TryParse(env.GetValueOrDefault(WorkerLauncher.HealthIntervalVariable), CultureInfo.InvariantCulture, out var ms) ? ms : 1000);
            var socket = env.GetValueOrDefault(WorkerLauncher.SocketVariable) ?? config.WorkerSocketPath;
            using var stop = new StopRequest();
            var sweeping = result.GetValue(sweep);
            if (sweeping)
                stop.Request("sweep: reconcile and cancel only", long.TryParse(env.GetValueOrDefault(WorkerLauncher.SweepWithinVariable), CultureInfo.InvariantCulture, out var within)
                    ? TimeSpan.FromMilliseconds(within) : null);
            using var signals = stop.OnSignals();
            var shares = VenueShares.FromEnvironment(env.GetValueOrDefault(WorkerLauncher.RequestSharesVariable));
            await using var link = new DaemonLink(spec.Name, proto, socket, healthInterval, stop, TimeProvider.System, NullLogger.Instance, shares);
            link.Start();
            var outcome = await InstanceRunner.RunAsync(spec, config, TimeSpan.FromSeconds(60), stop, logToConsole: false, link.Bind, sweeping,
                keepTrippedKillSwitch: !result.GetValue(operatorStart), shares: shares);
            await link.ReportExitAsync(outcome.ExitCode, outcome.Reason, outcome.OrdersLeft);
            return outcome.ExitCode;
        });
        return command;
    }
}
