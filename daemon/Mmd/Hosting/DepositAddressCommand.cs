using System.CommandLine;
using System.Text.Json;
using Mmd.Exchanges.Backpack;

namespace Mmd.Hosting;

/// <summary><c>mmd deposit-address</c>: the Backpack account's deposit address on a blockchain (the seed's first menu item; Backpack only, as there).</summary>
public static class DepositAddressCommand
{
    public static Command Create()
    {
        var blockchain = new Option<string>("--blockchain") { Description = "The chain to deposit on, e.g. Solana, Ethereum, Arbitrum (any case)", Required = true };
        var options = new VenueReadOptions(); // of its options, --config and -o: deposit addresses are Backpack's
        var command = new Command("deposit-address", "The Backpack account's deposit address on a blockchain, read from the venue now (credentials as for a worker).");
        foreach (var o in new Option[] { blockchain, options.Config, options.Output }) command.Options.Add(o);
        command.SetAction(async (result, cancellationToken) =>
        {
            var asked = result.GetValue(blockchain)!;
            if (BackpackBlockchains.Find(asked) is not { } chain)
                return RunCommand.Fail($"mmd deposit-address: Backpack has no blockchain '{asked}' (it has: {string.Join(", ", BackpackBlockchains.All)})");
            if (options.Load(result, "deposit-address") is not { } loaded) return ExitCodes.InvalidInput;
            var (config, secrets) = loaded;
            var (address, error) = await VenueSession.ReadAsync("backpack", options.Settings(result, secrets), config, TimeProvider.System,
                (connector, deadline) => ((BackpackConnector)connector).Rest.GetDepositAddressAsync(chain, deadline), cancellationToken);
            if (address is null)
            {
                await Console.Error.WriteLineAsync($"mmd deposit-address: could not read the Backpack deposit address on {chain}: {error}");
                return ExitCodes.Failure;
            }
            Console.Out.WriteLine(options.Json(result)
                ? JsonSerializer.Serialize(new { venue = "backpack", blockchain = chain, address = address.Address }, TextTable.Json)
                : $"backpack deposit address on {chain}: {address.Address}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
