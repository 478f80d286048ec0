using Mmd.Exchanges.Paradex;
using Mmd.TestKit;
using Xunit.Abstractions;

namespace Mmd.EndToEnd.Tests;

/// <summary>
/// mmd with a Paradex perp market maker whose venue is the Paradex emulator running as its own process: the real connector,
/// a JWT signed as a SNIP-12 request, every order STARK-signed and checked by the emulator, the SBE book and the JSON-RPC
/// private channels on loopback. Credentials come from a 0600 secrets file.
/// </summary>
public sealed class ParadexEndToEndTests(ITestOutputHelper output)
{
    private static readonly VenueUnderTest Paradex = new("paradex", "SOL-USD-PERP", ParadexTestKeys.Variables, ConnectorAsync, ReportsFunding: true);

    [Fact]
    public async Task PerpMarketMaker_OnTheEmulator_Quotes_AndSurvives10Kill9s_WithNoOrphanOrDuplicate_AndThePositionIsTheSumOfItsFills()
    {
        await using var venue = await EmulatorProcess.StartParadexAsync();
        await VenueScenarios.SurvivesKill9sAsync(Paradex, venue, "pdx", ParadexTestKeys.PrivateKey[2..], output);
    }

    [Fact]
    public async Task AKeyTheAccountNeverRegistered_FailsAtConnect_WithTheVenuesReason_AndBacksOff_WithoutAnOrder()
    {
        await using var venue = await EmulatorProcess.StartParadexAsync();
        var wrongKey = new Dictionary<string, string>(ParadexTestKeys.Variables) { ["PARADEX_PRIVATE_KEY"] = WrongKey };
        var failing = await VenueScenarios.FailsAtConnectAsync(Paradex, venue, wrongKey,
            "exit code 6: cannot connect to paradex: Paradex 400 INVALID_STARKNET_SIGNATURE", "INVALID_STARKNET_SIGNATURE", WrongKey[2..]);
        output.WriteLine($"unregistered key: {failing.ConsecutiveFailures} failed starts, last reason: {failing.LastExitReason}");
    }

    /// <summary>A valid STARK key that the emulator's account was never onboarded with.</summary>
    private const string WrongKey = "0x5f0d9b4c8a1e27f3c6b2a9d81e4f7c03b5a6d2e9f1c8b7a4d3e2f1a0b9c8d7e";

    private static async Task<Trading.Execution.IExchangeConnector> ConnectorAsync(EmulatorProcess venue, string instance)
    {
        var connector = new ParadexConnector(new ParadexOptions { RestBaseUrl = new Uri(venue.RestUrl), WebSocketUrl = new Uri(venue.WebSocketUrl) },
            ParadexCredentials.From(ParadexTestKeys.Variables), TimeProvider.System);
        await connector.ConnectAsync(CancellationToken.None).DefaultTimeout();
        return connector;
    }
}
