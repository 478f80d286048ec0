using System.Globalization;
using System.Text.Json;
using GrpcMM.Protos.V1;
using Mmd.TestKit;

namespace Mmd.EndToEnd.Tests;

/// <summary>Instances sharing one venue account, each given its capital, through mmd, mmctl and the Backpack emulator.</summary>
public sealed class CapitalEndToEndTests
{
    private static decimal D(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>The instance's open orders as its journal keeps them: (buy, price, quantity).</summary>
    private static async Task<List<(bool Buy, decimal Price, decimal Quantity)>> OpenOrdersAsync(DaemonUnderTest d, string name)
    {
        var listed = await d.MmctlAsync("orders", name, "-o", "json");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        return [.. JsonDocument.Parse(listed.StandardOutput).RootElement.GetProperty("orders").EnumerateArray()
            .Where(o => o.GetProperty("status").GetString() is "ORDER_STATUS_OPEN" or "ORDER_STATUS_PARTIALLY_FILLED")
            .Select(o => (o.GetProperty("side").GetString() == "ORDER_SIDE_BUY", D(o.GetProperty("price").GetString()!), D(o.GetProperty("quantity").GetString()!)))];
    }

    [Fact]
    public async Task TwoGridsOnOneAccount_EachSizesItsLevelsFromItsCapital_NotTheWholeAccount_AndStatusShowsIt()
    {
        await using var venue = await EmulatorProcess.StartBackpackAsync();
        using var secretsDir = new TempDirectory();
        // Alerts go to a webhook on loopback, its address in the secrets file beside the venue's keys.
        await using var receiver = await Mmd.Emulators.Alerts.AlertReceiver.StartAsync();
        await using var d = await VenueDaemon.StartAsync("backpack", venue, secretsDir, new Dictionary<string, string>
        {
            ["BACKPACK_KEY"] = BackpackDaemon.Key, ["BACKPACK_SECRET"] = BackpackDaemon.Secret, ["ALERT_WEBHOOK_URL"] = $"{receiver.Url}/hooks/ops",
        });

        // Bad capital changes nothing: mmctl's own check, then the daemon's (each bad asset named).
        var malformed = await d.MmctlAsync("start", "x", "--venue", "backpack", "--symbol", "SOL_USDC", "--strategy", "spot_grid", "--capital", "USDC");
        Assert.Equal(2, malformed.ExitCode);
        Assert.Contains("--capital takes ASSET=AMOUNT", malformed.StandardError, StringComparison.Ordinal);
        var invalid = await d.MmctlAsync("start", "x", "--venue", "backpack", "--symbol", "SOL_USDC", "--strategy", "spot_grid", "--capital", "usdc=1", "--capital", "SOL=-2");
        Assert.Equal(2, invalid.ExitCode);
        Assert.Contains("capital[usdc]: 'usdc' is not an asset", invalid.StandardError, StringComparison.Ordinal);
        Assert.Contains("capital[SOL]: must be at least 0", invalid.StandardError, StringComparison.Ordinal);
        Assert.Equal("", (await d.MmctlAsync("ls", "-q")).StandardOutput.Trim());

        // The emulator's account holds 10000 USDC and 100 SOL; one grid is given 300 USDC and 2 SOL of it, the other twice that.
        foreach (var (name, usdc, sol) in new[] { ("ga", "300", "2"), ("gb", "600", "4") })
        {
            var start = await d.MmctlAsync("start", name, "--venue", "backpack", "--symbol", "SOL_USDC", "--strategy", "spot_grid",
                "--capital", $"USDC={usdc}", "--capital", $"SOL={sol}");
            Assert.True(start.ExitCode == 0, start.ToString());
        }
        foreach (var name in new[] { "ga", "gb" })
            await d.WaitForAsync(name, i => i.State == InstanceState.Running && i.Stats is { OpenBuyOrders: > 0, OpenSellOrders: > 0 } && i.Stats.Capital.Count == 2,
                "resting its grid", TimeSpan.FromSeconds(60));
        var a = await OpenOrdersAsync(d, "ga");
        var b = await OpenOrdersAsync(d, "gb");
        // Each grid's orders fit its capital: without it, each sized its levels from the whole account.
        Assert.InRange(a.Where(o => o.Buy).Sum(o => o.Price * o.Quantity), 1m, 300m);
        Assert.InRange(a.Where(o => !o.Buy).Sum(o => o.Quantity), 0.01m, 2m);
        Assert.InRange(b.Where(o => o.Buy).Sum(o => o.Price * o.Quantity), 1m, 600m);
        Assert.InRange(b.Where(o => !o.Buy).Sum(o => o.Quantity), 0.01m, 4m);
        Assert.True(b.Max(o => o.Quantity) > a.Max(o => o.Quantity), "twice the capital, larger levels");

        var ga = await d.GetAsync("ga");
        Assert.Equal(("2", "300"), (ga.Stats.BaseBalance, ga.Stats.QuoteBalance));
        Assert.Equal(["SOL", "USDC"], ga.Stats.Capital.Select(c => c.Asset));
        var status = (await d.MmctlAsync("status", "ga")).StandardOutput;
        Assert.Contains("its capital's part of the account", status, StringComparison.Ordinal);
        Assert.Matches(@"capital +2 SOL of the account's [\d.]+ \(allotted 2, traded \+0\), 300 USDC of the account's [\d.]+ \(allotted 300, traded \+0\)", status);
        Assert.Contains("\"capital\": {", (await d.MmctlAsync("spec", "ga")).StandardOutput, StringComparison.Ordinal);

        // A third given more than the account has beside the other two: the daemon says their parts overlap, and when they no longer do.
        var greedy = await d.MmctlAsync("start", "gd", "--venue", "backpack", "--symbol", "SOL_USDC", "--strategy", "spot_grid", "--capital", "USDC=9500");
        Assert.True(greedy.ExitCode == 0, greedy.ToString());
        bool Said(string start) => receiver.Received.Any(r => (string?)r.Body["condition"] == "capital_overlap"
            && ((string?)r.Body["message"])!.StartsWith(start, StringComparison.Ordinal));
        await Until.TrueAsync(() => Said("the instances on backpack given USDC count on "), "the overlap alert", TimeSpan.FromSeconds(30));
        Assert.Contains("capital_overlap", (await d.MmctlAsync("alerts")).StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, (await d.MmctlAsync("stop", "gd")).ExitCode);
        await Until.TrueAsync(() => Said("resolved: the instances on backpack given USDC"), "the overlap resolved", TimeSpan.FromSeconds(30));

        // A new capital while it runs: the next orders are sized from it, and the spec keeps it.
        var bad = await d.MmctlAsync("set", "ga", "--capital", "USDC=lots");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("update.capital[USDC]: 'lots' is not a decimal number", bad.StandardError, StringComparison.Ordinal);
        var set = await d.MmctlAsync("set", "ga", "--capital", "USDC=150");
        Assert.True(set.ExitCode == 0 && set.StandardOutput.Trim() == "ga: applied", set.ToString());
        var updated = await d.WaitForAsync("ga", i => i.Stats?.Capital is [{ Asset: "SOL", Allotted: "2" }, { Asset: "USDC", Allotted: "150" }], "the new capital in its stats");
        Assert.False(updated.RestartPending); // the worker trades with the spec as it now is
        // The account, and who was given what of it.
        var account = await d.MmctlAsync("account", "gb");
        Assert.True(account.ExitCode == 0, account.ToString());
        Assert.Matches(@"capital given on this account: ga 2 SOL, 150 USDC; gb 4 SOL, 600 USDC \(together 6 of the [\d.]+ SOL it holds, 750 of the [\d.]+ USDC it holds\)",
            account.StandardOutput);
        Assert.Contains("\"USDC\": \"150\"", (await d.MmctlAsync("spec", "ga")).StandardOutput, StringComparison.Ordinal);

        foreach (var name in new[] { "ga", "gb" })
        {
            var stop = await d.MmctlAsync("stop", name);
            Assert.True(stop.ExitCode == 0, stop.ToString());
        }

        // On a live venue the assets are known once the worker reads the market: a capital it does not trade fails the start.
        var wrong = await d.MmctlAsync("start", "gc", "--venue", "backpack", "--symbol", "SOL_USDC", "--strategy", "spot_grid", "--capital", "ETH=1");
        Assert.True(wrong.ExitCode == 0, wrong.ToString());
        var failed = await d.WaitForAsync("gc", i => i.LastExitReason.Contains("capital names ETH", StringComparison.Ordinal), "the start refused", TimeSpan.FromSeconds(30));
        Assert.Contains("SOL_USDC trades SOL against USDC", failed.LastExitReason, StringComparison.Ordinal);
        Assert.Equal(0, (await d.MmctlAsync("stop", "gc")).ExitCode);
    }
}
