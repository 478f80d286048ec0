using System.Globalization;
using Mmd.Emulators.Backpack;
using Mmd.Exchanges.Paper;

// dotnet run --project tests/Mmd.Emulators -- backpack --port N [--seed S] [--state-dir DIR]
// Serves the venue on 127.0.0.1:N until stopped (Ctrl-C or SIGTERM). Point an instance at it through daemon.json's
// venue URLs ("venues": {"backpack": {"restUrl": "http://127.0.0.1:N", "webSocketUrl": "ws://127.0.0.1:N/"}}).
if (args.Length == 0 || args[0] != "backpack")
{
    await Console.Error.WriteLineAsync("usage: Mmd.Emulators backpack --port N [--seed S] [--state-dir DIR]");
    return 2;
}
var port = 0;
ulong seed = 1;
string? stateDir = null;
for (var i = 1; i < args.Length - 1; i += 2)
{
    switch (args[i])
    {
        case "--port": port = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--seed": seed = ulong.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--state-dir": stateDir = args[i + 1]; break;
        default:
            await Console.Error.WriteLineAsync($"unknown option {args[i]}");
            return 2;
    }
}
using var exchange = new PaperExchange(new PaperSettings { Seed = seed, StateDirectory = stateDir, Account = "backpack-emulator" }, TimeProvider.System);
exchange.Start();
await using var emulator = await BackpackEmulator.StartAsync(exchange, TimeProvider.System, port);
Console.WriteLine($"backpack emulator listening on {emulator.RestUrl} (WebSocket {emulator.WebSocketUrl})");
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
