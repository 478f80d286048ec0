using System.Text.Json;
using GrpcMM.Protos.V1;
using Mmd.TestKit;

namespace Mmd.EndToEnd.Tests;

/// <summary>
/// Clients in other languages over the daemon's socket (tests/Clients): Debian's python3-grpcio run by Debian's own
/// interpreter, and Node's @grpc/grpc-js. Each lists the instances and reads three watch messages.
/// Prerequisites (bash .ci/run installs them): apt-get install python3-grpcio protobuf-compiler protobuf-compiler-grpc;
/// npm ci --prefix tests/Clients/node.
/// </summary>
public sealed class OtherLanguageClientTests
{
    [Fact]
    public async Task Python_ListsInstances_AndReadsWatchMessages()
    {
        Require("/usr/bin/python3", "apt-get install -y python3-grpcio");
        Require("/usr/bin/protoc", "apt-get install -y protobuf-compiler");
        Require("/usr/bin/grpc_python_plugin", "apt-get install -y protobuf-compiler-grpc");
        await using var d = await StartWithRunningBotAsync();
        var stubs = d.Dir.Combine("python");
        Directory.CreateDirectory(stubs);
        var protos = Directory.GetFiles(Repository.Combine("protos", "mm", "v1"), "*.proto").Select(p => Path.GetRelativePath(Repository.Combine("protos"), p));
        var generate = await Cli.RunProgramAsync("/usr/bin/protoc",
            ["-I", Repository.Combine("protos"), $"--python_out={stubs}", $"--grpc_out={stubs}", "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin", .. protos],
            [], Repository.Combine("protos"));
        Assert.True(generate.ExitCode == 0, generate.ToString());

        var run = await Cli.RunProgramAsync("/usr/bin/python3", ["-W", "error", Repository.Combine("tests", "Clients", "python", "mm_client.py"), d.SocketPath, "3"],
            new() { ["PYTHONPATH"] = stubs }, d.Dir.Path);
        AssertSawBotAndThreeWatchMessages(run);
    }

    [Fact]
    public async Task Node_ListsInstances_AndReadsWatchMessages()
    {
        Require("/usr/bin/node", "apt-get install -y nodejs");
        Require(Repository.Combine("tests", "Clients", "node", "node_modules", "@grpc", "grpc-js", "package.json"), "npm ci --prefix tests/Clients/node");
        await using var d = await StartWithRunningBotAsync();
        var run = await Cli.RunProgramAsync("/usr/bin/node", [Repository.Combine("tests", "Clients", "node", "mm-client.mjs"), d.SocketPath, "3"], [], d.Dir.Path);
        AssertSawBotAndThreeWatchMessages(run);
    }

    private static async Task<DaemonUnderTest> StartWithRunningBotAsync()
    {
        var d = await DaemonUnderTest.StartAsync();
        var start = await d.MmctlAsync("start", "--template", "paper-spot-mm", "bot");
        Assert.True(start.ExitCode == 0, start.ToString());
        await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Stats is not null, "running with stats");
        return d;
    }

    private static void AssertSawBotAndThreeWatchMessages(CliResult run)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var instance = Assert.Single(lines, l => l.TryGetProperty("instance", out _)).GetProperty("instance");
        Assert.Equal("bot", instance.GetProperty("name").GetString());
        Assert.Equal("INSTANCE_STATE_RUNNING", instance.GetProperty("state").GetString());
        var watch = lines.Where(l => l.TryGetProperty("watch", out _)).Select(l => l.GetProperty("watch")).ToList();
        Assert.Equal(3, watch.Count);
        Assert.All(watch, w => Assert.Equal("bot", w.GetProperty("instance").GetString()));
        var sequences = watch.Select(w => ulong.Parse(w.GetProperty("sequence").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(sequences.Order().Distinct(), sequences);
        Assert.Contains(watch, w => w.TryGetProperty("stats", out var s) && s.GetProperty("symbol").GetString() == "SOL_USDC");
    }

    private static void Require(string path, string install)
    {
        if (!File.Exists(path)) throw new InvalidOperationException($"{path} is missing: {install} (bash .ci/run does this)");
    }
}
