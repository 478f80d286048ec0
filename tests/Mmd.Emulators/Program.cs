using System.Globalization;
using Mmd.Emulators.Aster;
using Mmd.Emulators.Backpack;
using Mmd.Emulators.Lighter;
using Mmd.Emulators.Paradex;
using Mmd.Exchanges.Paper;
using Mmd.Exchanges.Paradex;

// dotnet run --project tests/Mmd.Emulators -- backpack|aster|paradex|lighter --port N [--seed S] [--state-dir DIR] [--agent USER:SIGNER ...]
//     [--onboard ACCOUNT:PUBLIC_KEY ...] [--register ACCOUNT_INDEX:API_KEY_INDEX:PUBLIC_KEY ...]
//     [--funding-interval SECONDS] [--funding-rate-pct PCT]
// Serves the venue on 127.0.0.1:N until stopped (Ctrl-C or SIGTERM). Point an instance at it through daemon.json's
// venue URLs ("venues": {"backpack": {"restUrl": "http://127.0.0.1:N", "wsUrl": "ws://127.0.0.1:N/"}}).
// Aster: --agent approves a V3 API wallet (signer address) for a user address; V1 key pairs come from the environment,
// ASTER_EMULATOR_V1_KEYS="key:secret[,key:secret]", never from the command line.
// Paradex: --onboard registers a StarkNet account with its STARK public key (never a private key); its WebSocket is /v1.
// Lighter: --register puts an API key's public key (80 hex characters) on an account's API key index; its WebSocket is
// /stream and its chain id 300 (testnet).
const string Usage = "usage: Mmd.Emulators backpack|aster|paradex|lighter --port N [--seed S] [--state-dir DIR] [--agent USER:SIGNER ...] "
    + "[--onboard ACCOUNT:PUBLIC_KEY ...] [--register ACCOUNT_INDEX:API_KEY_INDEX:PUBLIC_KEY ...] [--funding-interval SECONDS] [--funding-rate-pct PCT] [--volatility-pct PCT]";
if (args.Length == 0 || args[0] is not ("backpack" or "aster" or "paradex" or "lighter"))
{
    await Console.Error.WriteLineAsync(Usage);
    return 2;
}
var venue = args[0];
var port = 0;
ulong seed = 1;
string? stateDir = null;
var market = new PaperSettings();
var agents = new List<(string User, string Signer)>();
var accounts = new List<(Org.BouncyCastle.Math.BigInteger Account, Org.BouncyCastle.Math.BigInteger PublicKey)>();
var apiKeys = new List<(long Account, int KeyIndex, Mmd.Exchanges.Lighter.Fp5 PublicKey)>();
for (var i = 1; i < args.Length - 1; i += 2)
{
    switch (args[i])
    {
        case "--port": port = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--seed": seed = ulong.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--state-dir": stateDir = args[i + 1]; break;
        // Funding settlements (every 8 h at 0.01 % by default): a test that wants to see some sets them seconds apart.
        case "--funding-interval": market = market with { FundingInterval = TimeSpan.FromSeconds(double.Parse(args[i + 1], CultureInfo.InvariantCulture)) }; break;
        case "--funding-rate-pct": market = market with { FundingRatePct = decimal.Parse(args[i + 1], CultureInfo.InvariantCulture) }; break;
        // A livelier market (0.02 % a second by default): a test that wants quotes to move often.
        case "--volatility-pct": market = market with { VolatilityPct = decimal.Parse(args[i + 1], CultureInfo.InvariantCulture) }; break;
        case "--agent" when venue == "aster" && args[i + 1].Split(':') is [var user, var signer]: agents.Add((user, signer)); break;
        case "--onboard" when venue == "paradex" && args[i + 1].Split(':') is [var account, var publicKey]
                              && StarkTypedData.ParseNumber(account) is { } address && StarkTypedData.ParseNumber(publicKey) is { } key:
            accounts.Add((address, key));
            break;
        case "--register" when venue == "lighter" && args[i + 1].Split(':') is [var account, var keyIndex, var publicKey]
                               && long.TryParse(account, CultureInfo.InvariantCulture, out var index) && int.TryParse(keyIndex, CultureInfo.InvariantCulture, out var apiKey)
                               && Mmd.Exchanges.Lighter.Fp5.FromLittleEndianBytes(Convert.FromHexString(publicKey)) is { } lighterKey:
            apiKeys.Add((index, apiKey, lighterKey));
            break;
        default:
            await Console.Error.WriteLineAsync($"unknown option {args[i]} {args[i + 1]}\n{Usage}");
            return 2;
    }
}
using var exchange = new PaperExchange(market with { Seed = seed, StateDirectory = stateDir, Account = venue + "-emulator" }, TimeProvider.System);
exchange.Start();
IAsyncDisposable running;
switch (venue)
{
    case "backpack":
        var backpack = await BackpackEmulator.StartAsync(exchange, TimeProvider.System, port);
        Console.WriteLine($"backpack emulator listening on {backpack.RestUrl} (WebSocket {backpack.WebSocketUrl})");
        running = backpack;
        break;
    case "aster":
        var aster = await AsterEmulator.StartAsync(exchange, TimeProvider.System, port);
        foreach (var (user, signer) in agents) aster.Auth.ApproveAgent(user, signer);
        foreach (var pair in (Environment.GetEnvironmentVariable("ASTER_EMULATOR_V1_KEYS") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
            if (pair.Split(':') is [var key, var secret]) aster.Auth.AddKey(key, secret);
        Console.WriteLine($"aster emulator listening on {aster.RestUrl} (WebSocket {aster.WebSocketUrl})");
        running = aster;
        break;
    case "lighter":
        var lighter = await LighterEmulator.StartAsync(exchange, TimeProvider.System, port);
        foreach (var (account, keyIndex, publicKey) in apiKeys) lighter.Auth.Register(account, keyIndex, publicKey);
        Console.WriteLine($"lighter emulator listening on {lighter.RestUrl} (WebSocket {lighter.WebSocketUrl})");
        running = lighter;
        break;
    default:
        var paradex = await ParadexEmulator.StartAsync(exchange, TimeProvider.System, port);
        foreach (var (account, publicKey) in accounts) paradex.Auth.Register(account, publicKey);
        Console.WriteLine($"paradex emulator listening on {paradex.RestUrl} (WebSocket {paradex.WebSocketUrl})");
        running = paradex;
        break;
}
await using var emulator = running;
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
{
    c.Cancel = true;
    stop.Cancel();
});
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException) { }
return 0;
