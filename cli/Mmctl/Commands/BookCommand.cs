using Cocona;
using Grpc.Core;
using GrpcMM.Protos.V1;
using Spectre.Console;
using Mmctl.Completion;

namespace Mmctl.Commands;

/// <summary>`mmctl book NAME`: the order book the instance's worker trades on, its own orders marked.</summary>
[UsageRules, IgnoreUnknownOptions]
public sealed class BookCommand
{
    [Command("book", Description = "The order book a running instance sees (a cross-market hedge's other market too), its own orders marked, with the spread and the liquidity near the mid")]
    public Task<int> Book([Argument, InstanceNames] string name,
        [Option(Description = "Levels a side (default 10, at most 50)")] uint? depth,
        [Option('f', Description = "Follow: read it again every second until Ctrl-C (redrawn in place; -o json: a JSON line each time)")] bool follow,
        CommonOptions o) => InstanceCommands.Run(o, async (c, ct) =>
    {
        try
        {
            return await ShowAsync(c, new GetOrderBookRequest { Name = name, Depth = depth ?? 0 }, follow, o, ct);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && ct.IsCancellationRequested)
        {
            return ExitCodes.Ok; // Ctrl-C during a read of a followed book
        }
    });

    private static async Task<int> ShowAsync(Connection.DaemonConnection c, GetOrderBookRequest request, bool follow, CommonOptions o, CancellationToken ct)
    {
        var name = request.Name;
        Task<GetOrderBookResponse> ReadAsync() => c.Instances.GetOrderBookAsync(request, cancellationToken: ct).ResponseAsync;
        var response = await ReadAsync();
        if (!follow || o.Json || Console.IsOutputRedirected)
        {
            while (true)
            {
                if (o.Json) Output.Printer.JsonLine(response);
                else Output.Printer.Books(name, response);
                if (!follow) return ExitCodes.Ok;
                if (!o.Json) Console.Out.WriteLine();
                if (!await NextAsync(ct)) return ExitCodes.Ok;
                response = await ReadAsync();
            }
        }
        await AnsiConsole.Live(Output.Printer.BooksView(name, response)).StartAsync(async live =>
        {
            while (await NextAsync(ct)) live.UpdateTarget(Output.Printer.BooksView(name, await ReadAsync()));
        });
        return ExitCodes.Ok;
    }

    /// <summary>How often a followed book is read again.</summary>
    private static readonly TimeSpan FollowEvery = TimeSpan.FromSeconds(1);

    /// <summary>Waits for the next read; false once Ctrl-C has ended the follow.</summary>
    private static async Task<bool> NextAsync(CancellationToken ct)
    {
        try
        {
            await Task.Delay(FollowEvery, TimeProvider.System, ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
