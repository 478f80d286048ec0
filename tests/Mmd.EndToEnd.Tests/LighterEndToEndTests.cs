using Mmd.Exchanges.Lighter;
using Mmd.TestKit;
using Xunit.Abstractions;

namespace Mmd.EndToEnd.Tests;

/// <summary>
/// mmd with a Lighter perp market maker whose venue is the Lighter emulator running as its own process: the real connector,
/// every order and cancel a Schnorr-signed L2 transaction with the API key's next nonce, checked by the emulator, auth
/// tokens on private reads and streams, all on loopback. Credentials come from a 0600 secrets file.
/// </summary>
public sealed class LighterEndToEndTests(ITestOutputHelper output)
{
    private static readonly VenueUnderTest Lighter = new("lighter", "SOL", LighterTestKeys.Variables, ConnectorAsync, ReportsFunding: true);

    [Fact]
    public async Task PerpMarketMaker_OnTheEmulator_Quotes_AndSurvives10Kill9s_WithNoOrphanOrDuplicate_AndThePositionIsTheSumOfItsFills()
    {
        await using var venue = await EmulatorProcess.StartLighterAsync();
        await VenueScenarios.SurvivesKill9sAsync(Lighter, venue, "ltr", LighterTestKeys.PrivateKey, output);
    }

    [Fact]
    public async Task AKeyTheVenueDoesNotHold_FailsAtConnect_WithTheReason_AndBacksOff_WithoutATransaction()
    {
        await using var venue = await EmulatorProcess.StartLighterAsync();
        var wrongKey = new Dictionary<string, string>(LighterTestKeys.Variables) { ["LIGHTER_PRIVATE_KEY"] = WrongKey };
        var failing = await VenueScenarios.FailsAtConnectAsync(Lighter, venue, wrongKey,
            "exit code 6: cannot connect to lighter: Lighter 21108: API key 5 of account 12345 is registered with another public key",
            "registered with another public key", WrongKey);
        output.WriteLine($"a key the venue does not hold: {failing.ConsecutiveFailures} failed starts, last reason: {failing.LastExitReason}");
    }

    /// <summary>A valid 40-byte API key that the emulator has not registered.</summary>
    private const string WrongKey = "5f0d9b4c8a1e27f3c6b2a9d81e4f7c03b5a6d2e9f1c8b7a4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f001";

    /// <summary>A connector that reads the venue as <paramref name="instance"/> does (its client ids carry that instance's tag).</summary>
    private static async Task<Trading.Execution.IExchangeConnector> ConnectorAsync(EmulatorProcess venue, string instance)
    {
        var connector = new LighterConnector(new LighterOptions { RestBaseUrl = new Uri(venue.RestUrl), WebSocketUrl = new Uri(venue.WebSocketUrl) },
            LighterCredentials.From(LighterTestKeys.Variables), instance, TimeProvider.System);
        await connector.ConnectAsync(CancellationToken.None).DefaultTimeout();
        return connector;
    }
}
