using System.CommandLine;
using System.Globalization;
using Duration = Google.Protobuf.WellKnownTypes.Duration;
using GrpcMM.Protos.V1;
using Mmd.Configuration;
using Mmd.Specs;
using Mmd.Worker;

namespace Mmd.Hosting;

/// <summary><c>mmd run</c>: one instance in the foreground, from a spec file and/or flags (flags win).</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var file = new Option<FileInfo?>("--file", "-f") { Description = "Instance spec (proto3 JSON), e.g. daemon/templates/paper-spot-mm.json" };
        var config = new Option<string?>("--config") { Description = "daemon.json to use (default: MMD_CONFIG, then ./daemon.json)" };
        var name = new Option<string?>("--name") { Description = "Instance name (prefixes every client order id)" };
        var venue = new Option<string?>("--venue") { Description = "Venue (default paper)" };
        var symbol = new Option<string?>("--symbol") { Description = "Symbol, e.g. SOL_USDC" };
        var duration = new Option<string?>("--duration") { Description = "Run time: seconds, or 90s / 15m / 2h; overrides the spec" };
        var strategyFlags = new RunFlags();
        var seed = new Option<string?>("--seed") { Description = "Paper market seed" };
        var capital = new Option<string[]>("--capital")
        {
            Description = "Its part of a shared venue account, ASSET=AMOUNT, once per asset, e.g. --capital USDC=1500 --capital SOL=10 (default: the whole account)",
        };
        var summaryEvery = new Option<string?>("--summary-every") { Description = "Period of the one-line summary (default 10s)" };

        var command = new Command("run", "Run one instance in the foreground (no daemon). SIGINT/SIGTERM cancel every own order and exit.");
        foreach (var o in new Option[] { file, config, name, venue, symbol, duration, seed, capital, summaryEvery }.Concat(strategyFlags.Options))
            command.Options.Add(o);

        command.SetAction(async (result, cancellationToken) =>
        {
            DaemonConfig daemonConfig;
            ValidatedSpec spec;
            TimeSpan summary;
            try
            {
                daemonConfig = DaemonConfigLoader.Load(result.GetValue(config), EnvironmentVariables());
                var source = result.GetValue(file)?.FullName ?? "command line";
                IReadOnlyDictionary<string, long>? lines = null;
                InstanceSpec proto;
                if (result.GetValue(file) is { } f)
                {
                    if (!f.Exists) return Fail($"mmd run: no such spec file: {f.FullName}");
                    proto = InstanceSpecJson.Parse(f.FullName, await File.ReadAllBytesAsync(f.FullName, cancellationToken), out lines);
                }
                else
                {
                    proto = new InstanceSpec();
                }

                var flagErrors = new List<FieldViolation>();
                ApplyFlags(proto, result, flagErrors, name, venue, symbol, duration, seed);
                // --capital over the spec file's capital, asset by asset; checked with the rest of the spec.
                flagErrors.AddRange(CapitalOption.Read(result.GetValue(capital), proto.Capital).Select(problem => new FieldViolation("--capital", problem)));
                strategyFlags.Apply(proto, result, flagErrors);
                summary = ParseDuration(result.GetValue(summaryEvery) ?? "10s", "--summary-every", flagErrors) ?? TimeSpan.FromSeconds(10);
                spec = ValidateWithFlags(proto, source, lines, flagErrors);
                if (flagErrors.Count > 0) throw new InvalidSpecException(source, flagErrors, lines);
            }
            catch (ConfigException ex)
            {
                return Fail($"mmd run: configuration error: {ex.Message}");
            }
            catch (InvalidSpecException ex)
            {
                await Console.Error.WriteLineAsync($"mmd run: {ex.Message}:");
                foreach (var line in ex.Describe()) await Console.Error.WriteLineAsync("  " + line);
                return ExitCodes.InvalidInput;
            }

            using var stop = new StopRequest();
            using var signals = stop.OnSignals();
            using var pruning = new CancellationTokenSource();
            var pruned = LogFolders.PruneHourlyAsync(daemonConfig.LogDir, daemonConfig.LogRetentionDays, TimeProvider.System, pruning.Token); // a daemon's workers leave it to the daemon
            var outcome = await InstanceRunner.RunAsync(spec, daemonConfig, summary, stop, logToConsole: true);
            await pruning.CancelAsync();
            await pruned;
            if (outcome.ExitCode != ExitCodes.Ok) await Console.Error.WriteLineAsync($"mmd run: exit code {outcome.ExitCode}: {outcome.Reason}");
            return outcome.ExitCode;
        });
        return command;
    }

    private static void ApplyFlags(InstanceSpec spec, ParseResult r, List<FieldViolation> errors, Option<string?> name, Option<string?> venue, Option<string?> symbol,
        Option<string?> duration, Option<string?> seed)
    {
        if (r.GetValue(name) is { } n) spec.Name = n;
        if (r.GetValue(venue) is { } v) spec.Venue = v;
        if (r.GetValue(symbol) is { } s) spec.Symbol = s;
        if (r.GetValue(duration) is { } d && ParseDuration(d, "duration", errors) is { } dd) spec.Duration = Duration.FromTimeSpan(dd);
        if (r.GetValue(seed) is { } sd) ApplySeed(spec, sd, "paper.seed", errors);
    }

    /// <summary>"90" (seconds), "90s", "1.5m", "2h".</summary>
    internal static TimeSpan? ParseDuration(string text, string field, List<FieldViolation> errors)
    {
        var unit = text.Length > 0 && char.IsLetter(text[^1]) ? text[^1] : 's';
        var number = char.IsLetter(unit) && text.Length > 0 && char.IsLetter(text[^1]) ? text[..^1] : text;
        if (decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            var seconds = unit switch { 's' => value, 'm' => value * 60, 'h' => value * 3600, 'd' => value * 86400, _ => -1m };
            if (seconds >= 0) return TimeSpan.FromMilliseconds((double)(seconds * 1000));
        }
        errors.Add(new(field, $"'{text}' is not a duration (seconds, or a number with s, m, h or d)"));
        return null;
    }

    internal static Dictionary<string, string?> EnvironmentVariables() =>
        System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);

    /// <summary>A <c>--seed</c> flag: the paper market's seed, or a violation named <paramref name="field"/>.</summary>
    internal static void ApplySeed(InstanceSpec spec, string text, string field, List<FieldViolation> errors)
    {
        spec.Paper ??= new PaperVenueOptions();
        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)) spec.Paper.Seed = value;
        else errors.Add(new(field, $"'{text}' is not a whole number"));
    }

    /// <summary>The spec validated; a refusal lists the flags' errors first, then the spec's, in one message.</summary>
    internal static ValidatedSpec ValidateWithFlags(InstanceSpec spec, string source, IReadOnlyDictionary<string, long>? lines, List<FieldViolation> flagErrors)
    {
        try
        {
            return SpecValidator.Validate(spec, source, lines);
        }
        catch (InvalidSpecException ex) when (flagErrors.Count > 0)
        {
            throw new InvalidSpecException(source, [.. flagErrors, .. ex.Violations], lines);
        }
    }

    internal static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return ExitCodes.InvalidInput;
    }
}
