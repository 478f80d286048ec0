using System.Globalization;
using Mmd.Emulators.Aster;
using Mmd.Emulators.Backpack;
using Mmd.Exchanges.Paper;

// dotnet run --project tests/Mmd.Emulators -- backpack|aster --port N [--seed S] [--state-dir DIR] [--agent USER:SIGNER ...]
// Serves the venue on 127.0.0.1:N until stopped (Ctrl-C or SIGTERM). Point an instance at it through daemon.json's
// venue URLs ("venues": {"backpack": {"restUrl": "http://127.0.0.1:N", "webSocketUrl": "ws://127.0.0.1:N/"}}).
// Aster: --agent approves a V3 API wallet (signer address) for a user address; V1 key pairs come from the environment,
// ASTER_EMULATOR_V1_KEYS="key:secret[,key:secret]", never from the command line.
const string Usage = "usage: Mmd.Emulators backpack|aster --port N [--seed S] [--state-dir DIR] [--agent USER:SIGNER ...]";
if (args.Length == 0 || args[0] is not ("backpack" or "aster"))
{
    await Console.Error.WriteLineAsync(Usage);
    return 2;
}
var venue = args[0];
var port = 0;
ulong seed = 1;
string? stateDir = null;
var agents = new List<(string User, string Signer)>();
for (var i = 1; i < args.Length - 1; i += 2)
{
    switch (args[i])
    {
        case "--port": port = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--seed": seed = ulong.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--state-dir": stateDir = args[i + 1]; break;
        case "--agent" when venue == "aster" && args[i + 1].Split(':') is [var user, var signer]: agents.Add((user, signer)); break;
        default:
            await Console.Error.WriteLineAsync($"unknown option {args[i]} {args[i + 1]}\n{Usage}");
            return 2;
    }
}
using var exchange = new PaperExchange(new PaperSettings { Seed = seed, StateDirectory = stateDir, Account = venue + "-emulator" }, TimeProvider.System);
exchange.Start();
IAsyncDisposable running;
if (venue == "backpack")
{
    var backpack = await BackpackEmulator.StartAsync(exchange, TimeProvider.System, port);
    Console.WriteLine($"backpack emulator listening on {backpack.RestUrl} (WebSocket {backpack.WebSocketUrl})");
    running = backpack;
}
else
{
    var aster = await AsterEmulator.StartAsync(exchange, TimeProvider.System, port);
    foreach (var (user, signer) in agents) aster.Auth.ApproveAgent(user, signer);
    foreach (var pair in (Environment.GetEnvironmentVariable("ASTER_EMULATOR_V1_KEYS") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        if (pair.Split(':') is [var key, var secret]) aster.Auth.AddKey(key, secret);
    Console.WriteLine($"aster emulator listening on {aster.RestUrl} (WebSocket {aster.WebSocketUrl})");
    running = aster;
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
