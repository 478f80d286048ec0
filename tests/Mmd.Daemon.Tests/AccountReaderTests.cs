using System.Text.Json;
using System.Text.RegularExpressions;
using Mmd.Configuration;
using Mmd.Emulators.Aster;
using Mmd.Exchanges.Aster;
using Mmd.Exchanges.Backpack;
using Mmd.Exchanges.Paper;
using Mmd.Hosting;
using Mmd.Specs;
using Mmd.TestKit;
using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Worker;

namespace Mmd.Daemon.Tests;

/// <summary><c>mmd account</c>'s reads, on the real connectors: the paper venue's state file, and the Aster emulator over loopback.</summary>
public sealed class AccountReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static VenueSettings Settings(string name, PaperSettings paper, AsterVenue? aster = null) =>
        new(name, paper, new BackpackMarginFlags(), BackpackClientIds.DefaultTag(name), aster ?? new AsterVenue(AsterSigning.V3, TimeSpan.Zero, false), TimeSpan.Zero);

    [Fact]
    public async Task APaperRead_ListsTheAccount_MarksTheInstancesOwnOrders_AndLeavesTheMarketStill()
    {
        var config = new DaemonConfig { StateDir = _dir.Combine("state"), LogDir = _dir.Combine("logs") };
        var paper = new PaperSettings { StateDirectory = Path.Combine(config.StateDir, "paper"), Account = "acct" };
        decimal bid, ask;
        using (var exchange = new PaperExchange(paper, TimeProvider.System))
        {
            await using var venue = new PaperConnector(exchange, "acct");
            var mid = exchange.Mid("SOL_USDC")!.Value;
            (bid, ask) = (mid - 3m, mid + 3m);
            await venue.PlaceOrderAsync(new("SOL_USDC", "bot1_a1", Side.Buy, OrderType.Limit, TimeInForce.Gtc, bid, 0.5m, PostOnly: true), default);
            await venue.PlaceOrderAsync(new("SOL_USDC", "bot1_a2", Side.Sell, OrderType.Limit, TimeInForce.Gtc, ask, 0.5m, PostOnly: true), default);
            await venue.PlaceOrderAsync(new("SOL_USDC", "other_b1", Side.Buy, OrderType.Limit, TimeInForce.Gtc, bid - 1m, 0.25m, PostOnly: true), default);
        }

        IReadOnlyList<AccountTarget> targets = [new("paper", "SOL_USDC", "quoted"), new("paper", "ETH_USDC", "hedge")];
        var reads = await AccountReader.ReadAsync(targets, Settings("bot1", paper), "bot1", config, TimeProvider.System, default).DefaultTimeout();

        var quoted = reads[0];
        Assert.Null(quoted.Error);
        Assert.Contains(quoted.Balances, b => b.Asset == "USDC" && b.Locked > 0);
        Assert.Equal(["bot1_a2", "bot1_a1", "other_b1"], quoted.Orders!.Select(o => o.Order.ClientOrderId)); // asks, then bids from the top
        Assert.Equal([true, true, false], quoted.Orders!.Select(o => o.Own));
        var hedge = reads[1];
        Assert.True(hedge.SameAccountAsQuoted);
        Assert.Empty(hedge.Balances);
        Assert.Empty(hedge.Orders!);

        var text = AccountText.Text(reads, "bot1");
        Assert.Contains("paper account of SOL_USDC, read at ", text, StringComparison.Ordinal);
        Assert.Contains("open orders on SOL_USDC: 2 of bot1's own, 1 of others' (another bot's or placed by hand)", text, StringComparison.Ordinal);
        var bidText = bid.ToString("0.############################", System.Globalization.CultureInfo.InvariantCulture); // as written by hand, no trailing zeros
        Assert.Matches($@"(?m)^  yes  bot1_a1 +\S+ +buy +{Regex.Escape(bidText)} +0\.5 +0 +\d{{4}}-", text);
        Assert.Matches(@"(?m)^  -    other_b1 ", text);
        Assert.Contains("paper account of ETH_USDC (hedge market), read at ", text, StringComparison.Ordinal);
        Assert.Contains("the quoted market's account (balances and positions above)", text, StringComparison.Ordinal);
        Assert.Contains("open orders on ETH_USDC: none", text, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(AccountText.JsonLine(quoted));
        Assert.Equal("quoted", json.RootElement.GetProperty("market").GetString());
        Assert.Equal(bidText, json.RootElement.GetProperty("openOrders")[1].GetProperty("price").GetString());

        // The read did not start the paper market's clock: the account is as it was left, every order still resting.
        using var after = new PaperExchange(paper, TimeProvider.System);
        await using var check = new PaperConnector(after, "acct");
        Assert.Equal(3, (await check.GetOpenOrdersAsync("SOL_USDC", default)).Count);
    }

    [Fact]
    public async Task APaperAccountInUse_IsReportedAsNotRead_NotWaitedFor()
    {
        var config = new DaemonConfig { StateDir = _dir.Combine("state"), LogDir = _dir.Combine("logs") };
        var paper = new PaperSettings { StateDirectory = Path.Combine(config.StateDir, "paper"), Account = "busy" };
        using var running = new PaperExchange(paper, TimeProvider.System); // an instance trading it holds its lock

        var read = Assert.Single(await AccountReader.ReadAsync([new("paper", null, null)], Settings("mmd-account", paper), null, config, TimeProvider.System, default)
            .DefaultTimeout());

        Assert.Contains("in use by another process", read.Error, StringComparison.Ordinal);
        Assert.Contains("could not read it: paper account 'busy' is in use", AccountText.Text([read], null), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAsterRead_LeavesTheRunningInstancesDeadManSwitchAsItWas()
    {
        const string symbol = "SOLUSDC";
        using var market = new PaperExchange(new PaperSettings { VolatilityPct = 0m, FlowRate = 0m }, TimeProvider.System);
        await using var emulator = await AsterEmulator.StartAsync(market, TimeProvider.System).DefaultTimeout();
        emulator.Auth.ApproveAgent(AsterTestKeys.User, AsterTestKeys.Signer);
        var secrets = _dir.Combine("secrets.env");
        await File.WriteAllLinesAsync(secrets, AsterTestKeys.V3Variables.Select(v => $"{v.Key}={v.Value}"));
        File.SetUnixFileMode(secrets, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var config = new DaemonConfig
        {
            StateDir = _dir.Combine("state"), LogDir = _dir.Combine("logs"), SecretsFile = secrets,
            Venues = new Dictionary<string, VenueEndpoints> { ["aster"] = new() { RestUrl = emulator.RestUrl.ToString(), WsUrl = emulator.WebSocketUrl.ToString() } },
        };

        // The instance trading the account: its first order armed the venue's switch for 30 s.
        var countdown = TimeSpan.FromSeconds(30);
        await using var trading = new AsterConnector(new AsterOptions { DeadManCountdown = countdown, RestBaseUrl = emulator.RestUrl, WebSocketUrl = emulator.WebSocketUrl },
            AsterCredentials.From(AsterTestKeys.V3Variables, AsterSigning.V3), TimeProvider.System);
        var bid = market.Levels("SOL_USDC_PERP", Side.Buy, 50).Min(l => l.Price) - 0.5m;
        var placed = await trading.PlaceOrderAsync(new(symbol, new ClientOrderIds("ast", DateTimeOffset.UtcNow).Next(), Side.Buy, OrderType.Limit, TimeInForce.Gtc, bid, 0.5m,
            PostOnly: true), default).DefaultTimeout();
        Assert.Equal(countdown, emulator.CountdownOf(AsterTestKeys.Account, symbol));

        // Its spec asks for a 60 s switch; a read (which finds the order resting, as a worker's start would) arms none and turns none off.
        var settings = Settings("ast", new PaperSettings(), new AsterVenue(AsterSigning.V3, TimeSpan.FromSeconds(60), false));
        var read = Assert.Single(await AccountReader.ReadAsync([new("aster", symbol, "quoted")], settings, "ast", config, TimeProvider.System, default).DefaultTimeout());

        Assert.Null(read.Error);
        Assert.True(Assert.Single(read.Orders!).Own);
        Assert.Equal(countdown, emulator.CountdownOf(AsterTestKeys.Account, symbol));
        Assert.Equal(0, emulator.CountdownCancels);
        Assert.Single(await trading.GetOpenOrdersAsync(symbol, default).DefaultTimeout(), o => o.VenueOrderId == placed.Order!.VenueOrderId);
    }
}
