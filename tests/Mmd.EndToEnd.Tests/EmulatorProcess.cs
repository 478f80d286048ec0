using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Mmd.TestKit;

namespace Mmd.EndToEnd.Tests;

/// <summary>A venue emulator as its own process (as a user runs it), on a free loopback port.</summary>
internal sealed class EmulatorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private readonly string _webSocketPath;

    private EmulatorProcess(Process process, int port, string webSocketPath)
    {
        _process = process;
        Port = port;
        _webSocketPath = webSocketPath;
    }

    public int Port { get; }

    public string RestUrl => $"http://127.0.0.1:{Port}";

    public string WebSocketUrl => $"ws://127.0.0.1:{Port}{_webSocketPath}";

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <param name="arguments">More of the emulator's options (e.g. --volatility-pct 0.2).</param>
    public static Task<EmulatorProcess> StartBackpackAsync(params string[] arguments) => StartAsync("backpack", arguments, new Dictionary<string, string>(), "/api/v1/time", "/");

    /// <summary>The Aster emulator with the test keys: the V3 API wallet approved on the command line, the V1 pair in the environment.</summary>
    public static Task<EmulatorProcess> StartAsterAsync() =>
        StartAsync("aster", ["--agent", $"{AsterTestKeys.User}:{AsterTestKeys.Signer}"],
            new Dictionary<string, string> { ["ASTER_EMULATOR_V1_KEYS"] = $"{AsterTestKeys.V1ApiKey}:{AsterTestKeys.V1Secret}" }, "/fapi/v3/time", "/");

    /// <summary>The Paradex emulator with the test account onboarded under its STARK public key (the private key stays with the test).</summary>
    /// <summary>The Paradex emulator with the test account onboarded, and funding settled every 2 s (realized on the next fill).</summary>
    public static Task<EmulatorProcess> StartParadexAsync() =>
        StartAsync("paradex", ["--onboard", $"{ParadexTestKeys.Account}:{ParadexTestKeys.PublicKey}", "--funding-interval", "2", "--funding-rate-pct", "0.01"],
            new Dictionary<string, string>(), "/v1/system/time", "/v1");

    /// <summary>
    /// The Lighter emulator with the test API key's public key registered on its index (the private key stays with the
    /// test), and funding settled every 2 s, so that a run of seconds has some to report.
    /// </summary>
    /// <param name="moreKeys">Further API keys of the test account: index and public key.</param>
    public static Task<EmulatorProcess> StartLighterAsync(params (int Index, string PublicKey)[] moreKeys) =>
        StartAsync("lighter", ["--register", $"{LighterTestKeys.Account}:{LighterTestKeys.ApiKeyIndex}:{LighterTestKeys.PublicKey}",
            .. moreKeys.SelectMany(k => new[] { "--register", $"{LighterTestKeys.Account}:{k.Index}:{k.PublicKey}" }), "--funding-interval", "2",
            "--funding-rate-pct", "0.01"], new Dictionary<string, string>(), "/api/v1/orderBookDetails", "/stream");

    private static async Task<EmulatorProcess> StartAsync(string venue, string[] arguments, Dictionary<string, string> environment, string probePath, string webSocketPath)
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Mmd.Emulators.dll"), venue, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Concat(arguments))
            info.ArgumentList.Add(a);
        foreach (var (name, value) in environment) info.Environment[name] = value;
        var process = new Process { StartInfo = info };
        var emulator = new EmulatorProcess(process, port, webSocketPath);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (emulator._output) emulator._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (emulator._output) emulator._output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient();
        await Until.TrueAsync(async () =>
        {
            if (process.HasExited) throw new InvalidOperationException($"the emulator exited early\n{emulator.Output}");
            try { return (await http.GetAsync(new Uri(emulator.RestUrl + probePath))).IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
        }, "the emulator answers");
        return emulator;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
