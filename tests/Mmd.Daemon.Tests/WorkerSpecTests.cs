using Mmd.Specs;
using Mmd.Supervision;
using Mmd.TestKit;

namespace Mmd.Daemon.Tests;

public class WorkerSpecTests
{
    [Fact]
    public void ASpec_ReachesTheWorker_AsTheDaemonReadIt()
    {
        var json = File.ReadAllBytes(Repository.Combine("daemon", "templates", "paper-spot-mm.json"));
        var expected = InstanceSpecJson.Parse("template", json, out _);
        Assert.Equal(expected, WorkerSpec.Decode(WorkerSpec.Encode(expected)));
    }

    [Fact]
    public void AnythingElse_IsAnInvalidSpec_NamingTheVariable()
    {
        var ex = Assert.Throws<InvalidSpecException>(() => WorkerSpec.Decode("{\"name\": \"bot1\"}"));
        Assert.Contains(WorkerLauncher.SpecVariable, string.Join('\n', ex.Describe()), StringComparison.Ordinal);
    }
}
