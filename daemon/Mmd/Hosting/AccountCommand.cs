using System.CommandLine;
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
    public static Command Create()
    {
        var file = new Option<FileInfo?>("--file", "-f") { Description = "An instance's spec: read the accounts it trades on, with the open orders on its symbols (its own marked)" };
        var symbol = new Option<string?>("--symbol") { Description = "Also the account's open orders on this symbol, every one (with one --venue; -f reads its spec's symbols)" };
        var options = new VenueReadOptions("Read this venue's account (repeat for several; default: every venue whose credentials are set; paper: its default account)");
        var command = new Command("account", "Read venue accounts now (balances, positions; the open orders on a --symbol, or with -f on the instance's symbols, its own marked), without a daemon. Reads only.");
        foreach (var o in options.All.Prepend(symbol).Prepend(file)) command.Options.Add(o);
        command.SetAction(async (result, cancellationToken) =>
        {
            if (options.Load(result, "account") is not { } loaded) return ExitCodes.InvalidInput;
            var (config, secrets) = loaded;

            string? owner = null;
            VenueSettings settings;
            List<AccountTarget> targets;
            if (result.GetValue(file) is { } f)
            {
                if (result.GetValue(options.Venues) is { Length: > 0 } || result.GetValue(symbol) is not null)
                    return RunCommand.Fail("mmd account: -f reads the venues and symbols its spec names; leave --venue and --symbol out");
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
                var (venues, error) = options.Choose(result, secrets, paperByDefault: false);
                if (error is not null) return RunCommand.Fail($"mmd account: {error}");
                var orders = result.GetValue(symbol);
                // A symbol is one venue's name for a market: which venue's it is must be said.
                if (orders is not null && result.GetValue(options.Venues) is not [_]) return RunCommand.Fail("mmd account: --symbol goes with one --venue: --venue backpack --symbol SOL_USDC_PERP");
                settings = options.Settings(result, secrets);
                targets = [.. venues.Select(v => new AccountTarget(v, orders, null))];
            }

            var reads = await AccountReader.ReadAsync(targets, settings, owner, config, TimeProvider.System, cancellationToken);
            if (options.Json(result))
                foreach (var read in reads) Console.Out.WriteLine(AccountText.JsonLine(read));
            else Console.Out.Write(AccountText.Text(reads, owner));
            return await VenueReadOptions.ExitCodeAsync("account", reads.Where(r => r.Error is not null).Select(r => $"the {r.Target.Venue} account"));
        });
        return command;
    }
}
