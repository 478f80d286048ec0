using GrpcMM.Protos.V1;
using Mmd.TestKit;

namespace Mmd.EndToEnd.Tests;

/// <summary>The native mmctl against a running mmd: every kind of command still works after trimming, and the socket's access rules.</summary>
public sealed class NativeMmctlTests(NativeMmctl mmctl) : IClassFixture<NativeMmctl>
{
    [Fact]
    public async Task NativeMmctl_RunsEveryKindOfCommand()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        var wd = d.Dir.Path;
        var empty = await mmctl.RunAsync(d.SocketPath, wd, "status");
        Assert.True(empty.ExitCode == 0, empty.ToString());
        Assert.Contains("no instances", empty.StandardOutput, StringComparison.Ordinal);

        var start = await mmctl.RunAsync(d.SocketPath, wd, "start", "--template", "paper-spot-mm", "bot");
        Assert.True(start.ExitCode == 0, start.ToString());
        await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Stats is not null && i.Health?.Healthy == true, "running with stats, healthy");

        var detail = await mmctl.RunAsync(d.SocketPath, wd, "status", "bot");
        Assert.True(detail.ExitCode == 0, detail.ToString());
        Assert.Contains("RUNNING", detail.StandardOutput, StringComparison.Ordinal);
        var watch = await mmctl.RunAsync(d.SocketPath, wd, "watch", "bot", "--once", "-o", "json");
        Assert.True(watch.ExitCode == 0, watch.ToString());
        Assert.Contains("\"instance\":\"bot\"", watch.StandardOutput.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var version = await mmctl.RunAsync(d.SocketPath, wd, "daemon", "version");
        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.Contains("mm.v1", version.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, (await mmctl.RunAsync(d.SocketPath, wd, "health", "bot")).ExitCode);
        var history = await mmctl.RunAsync(d.SocketPath, wd, "history", "bot", "--since", "1h", "--limit", "10");
        Assert.True(history.ExitCode == 0, history.ToString());
        Assert.Contains("started by operator", history.StandardOutput, StringComparison.Ordinal);
        var orders = await mmctl.RunAsync(d.SocketPath, wd, "orders", "bot", "--all", "--since", "1h", "--limit", "10");
        Assert.True(orders.ExitCode == 0, orders.ToString());
        Assert.Contains(" bot_", orders.StandardOutput, StringComparison.Ordinal);
        var report = await mmctl.RunAsync(d.SocketPath, wd, "report", "bot", "--days", "2");
        Assert.True(report.ExitCode == 0, report.ToString());
        var spec = await mmctl.RunAsync(d.SocketPath, wd, "spec", "bot");
        Assert.True(spec.ExitCode == 0, spec.ToString());
        Assert.Contains("\"spotMarketMaking\": {", spec.StandardOutput, StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(wd, "bot.json"), spec.StandardOutput);
        var apply = await mmctl.RunAsync(d.SocketPath, wd, "apply", "-f", "bot.json");
        Assert.Equal((0, "bot: unchanged"), (apply.ExitCode, apply.StandardOutput.Trim()));
        // A dry run of an edit: what would change, from what to what, and when; nothing saved.
        var spread = System.Text.RegularExpressions.Regex.Match(spec.StandardOutput, "\"spreadPct\": \"([\\d.]+)\"").Groups[1].Value;
        await File.WriteAllTextAsync(Path.Combine(wd, "wider.json"), spec.StandardOutput.Replace($"\"spreadPct\": \"{spread}\"", "\"spreadPct\": \"0.45\"", StringComparison.Ordinal));
        var dryRun = await mmctl.RunAsync(d.SocketPath, wd, "apply", "-f", "wider.json", "--dry-run");
        Assert.Equal((0, $"bot: would save; applies at the next start (restart to apply it now)\n  spot_market_making.spread_pct: {spread} -> 0.45"),
            (dryRun.ExitCode, dryRun.StandardOutput.Trim().ReplaceLineEndings("\n")));
        Assert.Contains($"\"spreadPct\": \"{spread}\"", (await mmctl.RunAsync(d.SocketPath, wd, "spec", "bot")).StandardOutput, StringComparison.Ordinal);
        // A new instance from flags, checked: its spec on stdout (ready for -f), the verdict on stderr, nothing created.
        var startDry = await mmctl.RunAsync(d.SocketPath, wd, "start", "other", "--symbol", "SOL_USDC", "--spread", "0.3", "--dry-run");
        Assert.True(startDry.ExitCode == 0, startDry.ToString());
        Assert.Equal(("other", "0.3"), (System.Text.Json.JsonDocument.Parse(startDry.StandardOutput).RootElement.GetProperty("name").GetString(),
            System.Text.Json.JsonDocument.Parse(startDry.StandardOutput).RootElement.GetProperty("spotMarketMaking").GetProperty("spreadPct").GetString()));
        Assert.Equal("other: valid; not created (dry run)", startDry.StandardError.Trim());
        Assert.Equal("bot", (await mmctl.RunAsync(d.SocketPath, wd, "ls", "-q")).StandardOutput.Trim());
        var fills = await mmctl.RunAsync(d.SocketPath, wd, "fills", "bot", "-o", "json");
        Assert.True(fills.ExitCode == 0, fills.ToString());
        Assert.StartsWith("{", fills.StandardOutput, StringComparison.Ordinal);
        // The export: a CSV header, then a row of 14 fields per fill the journal holds (the same count as the JSON lines).
        var export = await mmctl.RunAsync(d.SocketPath, wd, "export", "bot", "--since", "2020-01-01");
        Assert.True(export.ExitCode == 0, export.ToString());
        var rows = export.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("time,venue,symbol,side,price,quantity,quote_quantity,fee,fee_asset,liquidity,purpose,trade_id,client_order_id,venue_order_id", rows[0]);
        Assert.All(rows.Skip(1), row => Assert.Equal(14, row.Split(',').Length));
        var exportedJson = await mmctl.RunAsync(d.SocketPath, wd, "export", "bot", "-o", "json");
        Assert.InRange(exportedJson.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, rows.Length - 1, int.MaxValue); // fills go on
        Assert.Equal(2, (await mmctl.RunAsync(d.SocketPath, wd, "export", "bot", "--until", "yesterday-ish")).ExitCode);

        // The book the worker trades on, its own quotes marked (the template quotes three levels a side): read until both
        // sides rest, for a quote may be between a cancel and its replacement.
        var ours = new System.Text.RegularExpressions.Regex(@"ours: bids [\d.]+ at [1-3] levels?, asks [\d.]+ at [1-3] levels?");
        CliResult book = null!;
        await Until.TrueAsync(async () => ours.IsMatch((book = await mmctl.RunAsync(d.SocketPath, wd, "book", "bot", "--depth", "50")).StandardOutput), "both sides of its quotes in its book");
        Assert.True(book.ExitCode == 0, book.ToString());
        Assert.StartsWith("bot: SOL_USDC on paper, as of ", book.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  ask +[\d.]+ +[\d.]+ +[\d.]+$", book.StandardOutput); // a row with our size in OURS
        Assert.Matches(@"spread [\d.]+ \([\d.]+ bp\) at mid [\d.]+; within 1 % of it: bids [\d.]+, asks [\d.]+ \(imbalance [-+]?[\d.]+\)", book.StandardOutput);
        var bookJson = await mmctl.RunAsync(d.SocketPath, wd, "book", "bot", "-o", "json");
        Assert.True(bookJson.ExitCode == 0, bookJson.ToString());
        Assert.Contains("\"market\": \"quoted\"", bookJson.StandardOutput, StringComparison.Ordinal);
        // The venue account it trades on, read from the venue: the paper account's balances, no position on a spot, and its
        // own quotes (between one and six, as a quote may be being replaced) apart from anyone else's (none).
        var account = await mmctl.RunAsync(d.SocketPath, wd, "account", "bot");
        Assert.True(account.ExitCode == 0, account.ToString());
        Assert.StartsWith("bot: paper account of SOL_USDC, read at ", account.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  USDC +[\d.]+ +[\d.]+ +[\d.]+$", account.StandardOutput);
        Assert.Matches(@"(?m)^  SOL +[\d.]+ +[\d.]+ +[\d.]+$", account.StandardOutput);
        Assert.Matches(@"(?m)^  no open positions\n  open orders on SOL_USDC: [1-6] of its own, none of anyone else's$", account.StandardOutput.ReplaceLineEndings("\n"));
        var accountJson = await mmctl.RunAsync(d.SocketPath, wd, "account", "bot", "-o", "json");
        Assert.True(accountJson.ExitCode == 0, accountJson.ToString());
        var quoted = Assert.Single(System.Text.Json.JsonDocument.Parse(accountJson.StandardOutput).RootElement.GetProperty("accounts").EnumerateArray());
        Assert.Contains(quoted.GetProperty("balances").EnumerateArray(), b => b.GetProperty("asset").GetString() == "USDC");
        // The market it quotes, analysed by its worker: the instance's own paper market (its synthetic past, then its
        // trades) and its book, and the start line of the suggestion.
        var analysis = await mmctl.RunAsync(d.SocketPath, wd, "analyze", "bot");
        Assert.True(analysis.ExitCode == 0, analysis.ToString());
        var analysisText = analysis.StandardOutput.ReplaceLineEndings("\n");
        Assert.StartsWith("bot: SOL_USDC on paper: 100 closed candles of 15m\n  last close ", analysisText, StringComparison.Ordinal);
        Assert.Matches(@"averages of the closes: 5 [\d.]+, 20 [\d.]+, 50 [\d.]+; trend (up|down|range)\n", analysisText);
        Assert.Contains("\n  mmctl start NAME --venue paper --symbol SOL_USDC --strategy spot_market_making --spread ", analysisText, StringComparison.Ordinal);
        var analysisJson = await mmctl.RunAsync(d.SocketPath, wd, "analyze", "bot", "--interval", "1h", "--candles", "50", "-o", "json");
        Assert.True(analysisJson.ExitCode == 0, analysisJson.ToString());
        var hourly = System.Text.Json.JsonDocument.Parse(analysisJson.StandardOutput).RootElement;
        Assert.Equal("1h", hourly.GetProperty("interval").GetString());
        Assert.InRange(hourly.GetProperty("candles").GetInt32(), 47, 50); // the paper market's past is two days long
        Assert.Equal(3, hourly.GetProperty("movingAverages").GetArrayLength());
        var badInterval = await mmctl.RunAsync(d.SocketPath, wd, "analyze", "bot", "--interval", "2h");
        Assert.Equal(2, badInterval.ExitCode);
        Assert.Contains("interval: '2h' is not one of 1m, 5m, 15m, 30m, 1h, 4h, 1d", badInterval.StandardError, StringComparison.Ordinal);
        // Followed: read again every second, a JSON line each time, until Ctrl-C (SIGINT), which ends it with 0.
        var followed = await Cli.RunProgramAsync("timeout", ["--preserve-status", "-s", "INT", "3", mmctl.Path, "book", "bot", "-f", "-o", "json", "--depth", "1"],
            new() { ["MMCTL_SOCKET"] = d.SocketPath }, wd);
        Assert.True(followed.ExitCode == 0, followed.ToString());
        var reads = followed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(reads.Length >= 2, followed.ToString());
        Assert.All(reads, line => Assert.Single(System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("books").EnumerateArray()));

        var help = await mmctl.RunAsync(d.SocketPath, wd, "--help");
        Assert.Equal(0, help.ExitCode); // Cocona ends help with 129
        Assert.StartsWith("Usage: mmctl [command]", help.StandardOutput, StringComparison.Ordinal);
        foreach (var command in new[] { "start", "stop", "status", "watch", "logs", "history", "orders", "fills", "report", "spec", "apply", "templates", "health", "book", "analyze", "account", "export", "alerts", "daemon" })
            Assert.Contains(command, help.StandardOutput, StringComparison.Ordinal);
        // Shell completion under AOT: bash completes commands, options, their values and the daemon's instances and templates.
        await AssertBashCompletesAsync(d.SocketPath, wd);
        // Under AOT too, a bad command line is mmctl's one line and the invalid-input code (Cocona's were 1 and 129).
        var typo = await mmctl.RunAsync(d.SocketPath, wd, "stauts");
        Assert.Equal((2, "mmctl: 'stauts' is not a command (did you mean start or status?); see mmctl --help"), (typo.ExitCode, typo.StandardError.Trim()));
        var inGroup = await mmctl.RunAsync(d.SocketPath, wd, "daemon", "stauts");
        Assert.Equal((2, "mmctl daemon: 'stauts' is not a command (did you mean status?); see mmctl daemon --help"), (inGroup.ExitCode, inGroup.StandardError.Trim()));
        Assert.Equal(2, (await mmctl.RunAsync(d.SocketPath, wd, "--bogus")).ExitCode);
        Assert.Equal(0, (await mmctl.RunAsync(d.SocketPath, wd, "stop", "--help")).ExitCode);
        Assert.Equal(3, (await mmctl.RunAsync(d.SocketPath, wd, "status", "ghost")).ExitCode);

        // An argument a command does not take is refused, not dropped (`pause bot other` paused bot alone, and said 0).
        var extra = await mmctl.RunAsync(d.SocketPath, wd, "pause", "bot", "other");
        Assert.Equal(2, extra.ExitCode);
        Assert.Contains("mmctl pause: unexpected argument 'other'", extra.StandardError, StringComparison.Ordinal);
        Assert.False((await d.GetAsync("bot")).Stats.QuotingPaused);
        var extraInGroup = await mmctl.RunAsync(d.SocketPath, wd, "daemon", "status", "bot");
        Assert.Equal(2, extraInGroup.ExitCode);
        Assert.Contains("mmctl daemon status: unexpected argument 'bot'", extraInGroup.StandardError, StringComparison.Ordinal);

        var missing = await mmctl.RunAsync(d.SocketPath, wd, "pause");
        Assert.Equal((2, "mmctl pause: NAME is required; see mmctl pause --help"), (missing.ExitCode, missing.StandardError.Trim()));
        var unknown = await mmctl.RunAsync(d.SocketPath, wd, "stop", "bot", "--flaten");
        Assert.Equal((2, "mmctl stop: unknown option --flaten; see mmctl stop --help"), (unknown.ExitCode, unknown.StandardError.Trim()));
        Assert.Equal(InstanceState.Running, (await d.GetAsync("bot")).State);

        var stop = await mmctl.RunAsync(d.SocketPath, wd, "stop", "bot");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        var none = await mmctl.RunAsync(d.Dir.Combine("nowhere.sock"), wd, "status");
        Assert.Equal(69, none.ExitCode);
        Assert.Contains("no daemon at", none.StandardError, StringComparison.Ordinal);
    }

    /// <summary>
    /// `source <(mmctl --completion bash)` in a real bash with bash-completion, then what Tab offers for a few command
    /// lines: the script asks the native mmctl on PATH for the daemon's names as the user types.
    /// </summary>
    private async Task AssertBashCompletesAsync(string socket, string wd)
    {
        const string library = "/usr/share/bash-completion/bash_completion";
        if (!File.Exists(library)) throw new InvalidOperationException("bash completion needs bash-completion: apt-get install -y bash-completion (bash .ci/run does)");
        var script = Path.Combine(wd, "complete.sh");
        await File.WriteAllTextAsync(script, $$"""
            source {{library}}
            source <(mmctl --completion bash)
            complete_line() {
              COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}
              read -ra COMP_WORDS <<< "$COMP_LINE"
              [[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
              COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
              COMPREPLY=()
              __cocona_mmctl_completion_entrypoint
              echo "$1|${COMPREPLY[*]}"
            }
            complete_line "mmctl st"
            complete_line "mmctl stop "
            complete_line "mmctl start --template paper-s"
            complete_line "mmctl start --venue p"
            complete_line "mmctl daemon s"
            complete_line "mmctl stop --fl"
            complete_line "mmctl analyze bot --interval 1"
            """);
        var path = $"{Path.GetDirectoryName(mmctl.Path)}:{Environment.GetEnvironmentVariable("PATH")}";
        var bash = await Cli.RunProgramAsync("bash", [script], new() { ["PATH"] = path, ["MMCTL_SOCKET"] = socket }, wd);
        Assert.True(bash.ExitCode == 0, bash.ToString());
        var offered = bash.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('|')).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal("start stop status", offered["mmctl st"]);
        Assert.Equal("bot", offered["mmctl stop "]); // the daemon's one instance
        Assert.Equal("paper-spot-grid paper-spot-mm", offered["mmctl start --template paper-s"]);
        Assert.Equal("paper paradex", offered["mmctl start --venue p"]);
        Assert.Equal("status shutdown", offered["mmctl daemon s"]);
        Assert.Equal("--flatten", offered["mmctl stop --fl"]);
        Assert.Equal("1m 15m 1h 1d", offered["mmctl analyze bot --interval 1"]);
        // zsh: the script parses and defines the completion function (Cocona's left apostrophes in descriptions unescaped),
        // and the daemon's names come in zsh's form, a "value:description" line each.
        if (!File.Exists("/usr/bin/zsh")) throw new InvalidOperationException("the zsh completion check needs zsh: apt-get install -y zsh (bash .ci/run does)");
        var zsh = await Cli.RunProgramAsync("zsh", ["-c", "autoload -U compinit; compinit -u; source <(mmctl --completion zsh) && whence -w _mmctl"],
            new() { ["PATH"] = path, ["MMCTL_SOCKET"] = socket, ["HOME"] = wd }, wd);
        Assert.True((zsh.ExitCode, zsh.StandardOutput.Trim(), zsh.StandardError) == (0, "_mmctl: function", ""), zsh.ToString());
        var names = await mmctl.RunAsync(socket, wd, "--completion-candidates", "zsh:names", "--", "stop", "");
        Assert.Equal((0, "bot:Running"), (names.ExitCode, names.StandardOutput.Trim()));
        // No daemon: nothing to offer, and nothing printed into the prompt.
        var none = await mmctl.RunAsync(Path.Combine(wd, "nowhere.sock"), wd, "--completion-candidates", "bash:names", "--", "stop", "");
        Assert.Equal((0, "", ""), (none.ExitCode, none.StandardOutput, none.StandardError));
    }

    [RootFact]
    public async Task ForeignUid_IsToldPermissionDenied_AndChangesNothing()
    {
        // The socket is shared with the group "nogroup", so uid 65534 can reach it; SO_PEERCRED still turns it away.
        await using var d = await DaemonUnderTest.StartAsync(settings: new() { ["socketGroup"] = "nogroup" });
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, File.GetUnixFileMode(d.SocketPath));

        var status = await mmctl.RunAsUidAsync(65534, d.SocketPath, "/tmp", "status");
        Assert.True(status.ExitCode == 77, status.ToString());
        Assert.Contains("uid 65534 may not use this daemon", status.StandardError, StringComparison.Ordinal);
        var start = await mmctl.RunAsUidAsync(65534, d.SocketPath, "/tmp", "start", "--template", "paper-spot-mm", "intruder");
        Assert.True(start.ExitCode == 77, start.ToString());

        // The daemon's own uid still gets in, and nothing was created.
        var own = await mmctl.RunAsync(d.SocketPath, d.Dir.Path, "ls", "-q");
        Assert.True(own.ExitCode == 0, own.ToString());
        Assert.Empty(own.StandardOutput.Trim());
        Assert.Contains("uid 65534 on the socket", await File.ReadAllTextAsync(Directory.GetFiles(d.Dir.Combine("logs"), "mmd.log", SearchOption.AllDirectories).Single()), StringComparison.Ordinal);
    }
}
