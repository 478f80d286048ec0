using System.CommandLine;
using Mmd.Configuration;
using Mmd.Exchanges.Aster;
using Mmd.Exchanges.Backpack;
using Mmd.Exchanges.Lighter;
using Mmd.Exchanges.Paper;
using Mmd.Exchanges.Paradex;
using Mmd.Specs;
using Mmd.Worker;

namespace Mmd.Hosting;

/// <summary>
/// <c>mmd account</c>: venue accounts read now, with no daemon or running instance needed (the seed's balances menu):
/// every venue whose credentials are set, the venues named, or the accounts an instance's spec trades on with the open
/// orders on its symbols, its own marked. Read only: safe beside a running instance of the same account.
/// </summary>
public static class AccountCommand
{
    /// <summary>The live venues, and the variable whose presence says their credentials are set.</summary>
    private static readonly (string Venue, string[] Variables)[] CredentialedVenues =
    [
        ("backpack", [BackpackCredentials.KeyVariable]),
        ("aster", [AsterCredentials.UserVariable, AsterCredentials.ApiKeyVariable]),
        ("paradex", [ParadexCredentials.AccountVariable]),
        ("lighter", [LighterCredentials.AccountVariable]),
    ];

    /// <summary>Names no instance can have (a letter first, no '_' allowed there either): the connectors' numbering needs one.</summary>
    private const string ReaderName = "mmd-account";

    public static Command Create()
    {
        var file = new Option<FileInfo?>("--file", "-f") { Description = "An instance's spec: read the accounts it trades on, with the open orders on its symbols (its own marked)" };
        var venues = new Option<string[]>("--venue")
        {
            Description = "Read this venue's account (repeat for several; default: every venue whose credentials are set; paper: its default account)",
            AllowMultipleArgumentsPerToken = true,
        };
        var config = new Option<string?>("--config") { Description = "daemon.json to use (venue URLs, state dir, secrets file; default: MMD_CONFIG, then ./daemon.json)" };
        var asterSigning = new Option<string?>("--aster-signing") { Description = "Without -f: how Aster is signed for, v3 or v1 (default: the one whose variables are set)" };
        asterSigning.AcceptOnlyFromAmong("v3", "v1");
        var asterTestnet = new Option<bool>("--aster-testnet") { Description = "Without -f: Aster's testnet chain" };
        var output = new Option<string>("--output", "-o") { Description = "text (default), or json: a JSON object a line for each account", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");

        var command = new Command("account", "Read venue accounts now (balances, positions; with -f the open orders on the instance's symbols), without a daemon. Reads only.");
        foreach (var o in new Option[] { file, venues, config, asterSigning, asterTestnet, output }) command.Options.Add(o);
        command.SetAction(async (result, cancellationToken) =>
        {
            DaemonConfig daemonConfig;
            IReadOnlyDictionary<string, string> secrets;
            try
            {
                daemonConfig = DaemonConfigLoader.Load(result.GetValue(config), RunCommand.EnvironmentVariables());
                secrets = SecretsFile.WithEnvironment(daemonConfig.SecretsFile);
            }
            catch (ConfigException ex)
            {
                return RunCommand.Fail($"mmd account: configuration error: {ex.Message}");
            }

            string? owner = null;
            VenueSettings settings;
            List<AccountTarget> targets;
            if (result.GetValue(file) is { } f)
            {
                if (result.GetValue(venues) is { Length: > 0 }) return RunCommand.Fail("mmd account: -f reads the venues its spec names; leave --venue out");
                if (!f.Exists) return RunCommand.Fail($"mmd account: no such spec file: {f.FullName}");
                ValidatedSpec spec;
                try
                {
                    spec = SpecValidator.Validate(InstanceSpecJson.Parse(f.FullName, await File.ReadAllBytesAsync(f.FullName, cancellationToken), out var lines), f.FullName, lines);
                }
                catch (InvalidSpecException ex)
                {
                    await Console.Error.WriteLineAsync($"mmd account: {ex.Message}:");
                    foreach (var line in ex.Describe()) await Console.Error.WriteLineAsync("  " + line);
                    return ExitCodes.InvalidInput;
                }
                owner = spec.Name;
                settings = VenueSettings.Of(spec);
                targets = [new(spec.Venue, spec.Symbol, "quoted")];
                if (spec.HedgeMarket is { } hedge) targets.Add(new(hedge.Venue, hedge.Symbol, "hedge"));
            }
            else
            {
                var named = result.GetValue(venues) ?? [];
                if (named.FirstOrDefault(v => !SpecValidator.KnownVenues.Contains(v)) is { } unknown)
                    return RunCommand.Fail($"mmd account: unknown venue '{unknown}' (available: {string.Join(", ", SpecValidator.KnownVenues)})");
                var chosen = named.Length > 0 ? named.Distinct(StringComparer.Ordinal).ToList()
                    : [.. CredentialedVenues.Where(c => c.Variables.Any(secrets.ContainsKey)).Select(c => c.Venue)];
                if (chosen.Count == 0)
                    return RunCommand.Fail("mmd account: no venue credentials are set, in the environment or daemon.json's secretsFile ("
                        + string.Join(", ", CredentialedVenues.Select(c => string.Join(" or ", c.Variables))) + "); or name a venue: --venue paper");
                var signing = result.GetValue(asterSigning) switch
                {
                    "v1" => AsterSigning.V1,
                    "v3" => AsterSigning.V3,
                    _ => secrets.ContainsKey(AsterCredentials.UserVariable) || !secrets.ContainsKey(AsterCredentials.ApiKeyVariable) ? AsterSigning.V3 : AsterSigning.V1,
                };
                settings = new VenueSettings(ReaderName, new PaperSettings(), new BackpackMarginFlags(), BackpackClientIds.DefaultTag(ReaderName),
                    new AsterVenue(signing, TimeSpan.Zero, result.GetValue(asterTestnet)), TimeSpan.Zero);
                targets = [.. chosen.Select(v => new AccountTarget(v, null, null))];
            }

            var reads = await AccountReader.ReadAsync(targets, settings, owner, daemonConfig, TimeProvider.System, cancellationToken);
            if (result.GetValue(output) == "json")
                foreach (var read in reads) Console.Out.WriteLine(AccountText.JsonLine(read));
            else Console.Out.Write(AccountText.Text(reads, owner));
            var failed = reads.Where(r => r.Error is not null).Select(r => r.Target.Venue).Distinct().ToList();
            if (failed.Count == 0) return ExitCodes.Ok;
            await Console.Error.WriteLineAsync($"mmd account: could not read the {string.Join(", ", failed)} account{(failed.Count > 1 ? "s" : "")}");
            return ExitCodes.Failure;
        });
        return command;
    }
}
