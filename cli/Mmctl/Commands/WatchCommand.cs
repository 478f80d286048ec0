using Cocona;
using Mmctl.Completion;
using Grpc.Core;
using GrpcMM.Protos.V1;
using Mmctl.Output;
using Spectre.Console;

namespace Mmctl.Commands;

/// <summary>`mmctl watch`: a live table, or JSON lines with -o json. Reconnects and resumes by sequence.</summary>
[UsageRules, IgnoreUnknownOptions]
public sealed class WatchCommand
{
    [Command("watch", Description = "Live stats and lifecycle events (a table that updates in place; -o json prints JSON lines)")]
    public Task<int> Watch([Argument(Description = "Instances (default: all)"), InstanceNames] string[]? names,
        [Option(Description = "Print the current state once and exit")] bool once, CommonOptions o) => InstanceCommands.Run(o, async (c, ct) =>
    {
        var wanted = names ?? [];
        var latest = new SortedDictionary<string, Instance>(StringComparer.Ordinal);
        foreach (var i in (await c.Instances.ListInstancesAsync(new ListInstancesRequest(), cancellationToken: ct)).Instances)
            if (wanted.Length == 0 || wanted.Contains(i.Name)) latest[i.Name] = i;
        if (once)
        {
            if (o.Json) foreach (var i in latest.Values) Printer.JsonLine(i);
            else Printer.Instances(latest.Values.ToList(), o, DateTimeOffset.UtcNow);
            return ExitCodes.Ok;
        }

        var resume = new Dictionary<string, ulong>(StringComparer.Ordinal);
        if (o.Json || Console.IsOutputRedirected)
        {
            await foreach (var e in StreamAsync(c, wanted, resume, ct))
                if (o.Json) Printer.JsonLine(e);
                else Console.Out.WriteLine($"{e.Time.ToDateTimeOffset():HH:mm:ss} {e.Instance} #{e.Sequence} {Describe(e)}");
            return ExitCodes.Ok;
        }
        var table = Printer.LiveView(latest.Values, DateTimeOffset.UtcNow);
        await AnsiConsole.Live(table).StartAsync(async live =>
        {
            await foreach (var e in StreamAsync(c, wanted, resume, ct))
            {
                if (!latest.TryGetValue(e.Instance, out var instance)) latest[e.Instance] = instance = new Instance { Name = e.Instance, Spec = new InstanceSpec() };
                switch (e.KindCase)
                {
                    case WatchEvent.KindOneofCase.Stats: instance.Stats = e.Stats; break;
                    case WatchEvent.KindOneofCase.Lifecycle:
                        instance.State = e.Lifecycle.State;
                        instance.Pid = e.Lifecycle.Pid;
                        instance.Restarts = e.Lifecycle.Restarts;
                        // Uptime, health and the next retry come from a fresh Get.
                        try { latest[e.Instance] = (await c.Instances.GetInstanceAsync(new GetInstanceRequest { Name = e.Instance }, cancellationToken: ct)).Instance; }
                        catch (RpcException) { }
                        break;
                    case WatchEvent.KindOneofCase.Deleted: latest.Remove(e.Instance); break;
                }
                live.UpdateTarget(Printer.LiveView(latest.Values, DateTimeOffset.UtcNow));
            }
        });
        return ExitCodes.Ok;
    });

    /// <summary>The watch stream; on a broken connection it dials again and resumes after the last sequence seen.</summary>
    private static async IAsyncEnumerable<WatchEvent> StreamAsync(Connection.DaemonConnection c, string[] names, Dictionary<string, ulong> resume,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var interrupted = false;
        while (!ct.IsCancellationRequested)
        {
            var request = new WatchRequest { Names = { names } };
            foreach (var (name, seq) in resume) request.AfterSequence[name] = seq;
            using var call = c.Stats.Watch(request, cancellationToken: ct);
            var reader = call.ResponseStream;
            while (true)
            {
                bool more;
                try { more = await reader.MoveNext(ct); }
                catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal && !ct.IsCancellationRequested)
                {
                    // Said once per outage, not at every retry while the daemon is away.
                    if (!interrupted) Console.Error.WriteLine($"mmctl: watch interrupted ({ex.Status.Detail}); resuming when the daemon answers");
                    interrupted = true;
                    break;
                }
                if (!more) yield break;
                if (interrupted) Console.Error.WriteLine("mmctl: watch resumed");
                interrupted = false;
                var e = reader.Current;
                resume[e.Instance] = e.Sequence;
                if (e.Dropped > 0) Console.Error.WriteLine($"mmctl: {e.Dropped} message(s) dropped: this terminal reads slower than the daemon sends");
                yield return e;
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    internal static string Describe(WatchEvent e) => e.KindCase switch
    {
        WatchEvent.KindOneofCase.Stats => $"mid {e.Stats.Mid} quotes {e.Stats.OpenBuyOrders}/{e.Stats.OpenSellOrders} fills {e.Stats.Session?.Fills} net {e.Stats.Session?.NetPnl} {e.Stats.QuoteAsset}",
        WatchEvent.KindOneofCase.Lifecycle => $"{Printer.StateName(e.Lifecycle.State)} {e.Lifecycle.Message}",
        WatchEvent.KindOneofCase.HistoryGone => $"history after #{e.HistoryGone.RequestedAfter} is gone (oldest kept #{e.HistoryGone.OldestKept}); continuing from the latest state",
        WatchEvent.KindOneofCase.Deleted => "deleted",
        _ => "",
    };
}
