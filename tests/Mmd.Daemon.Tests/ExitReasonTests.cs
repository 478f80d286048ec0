using GrpcMM.Protos.Worker.V1;
using Mmd.Supervision;
using Mmd.Worker;

namespace Mmd.Daemon.Tests;

/// <summary>Why a worker ended, as status and `mmctl ls` show it.</summary>
public sealed class ExitReasonTests
{
    [Fact]
    public void ACleanEnd_SaysOnlyWhy()
    {
        Assert.Equal("stopped by operator", InstanceActor.DescribeExit(0, new Exiting { ExitCode = 0, Reason = "stopped by operator" }));
        Assert.Equal("duration elapsed", InstanceActor.DescribeExit(0, new Exiting { ExitCode = 0, Reason = "duration elapsed" }));
    }

    [Fact]
    public void OrdersLeftOnTheVenue_AreSaidFirst_WithHowManyAndWhy()
    {
        Assert.Equal("exit code 4: own orders left on the venue (2 left; stopped by operator)",
            InstanceActor.DescribeExit(4, new Exiting { ExitCode = 4, Reason = "stopped by operator", OrdersLeft = 2 }));
        // A run that could not confirm it: said so, not as 4294967295 orders left.
        Assert.Equal("exit code 4: own orders left on the venue (could not confirm how many; stopped by operator)",
            InstanceActor.DescribeExit(4, new Exiting { ExitCode = 4, Reason = "stopped by operator", OrdersUnconfirmed = true }));
    }

    [Fact]
    public void AFailure_KeepsItsCode_AndAWorkerThatSaidNothing_IsDescribedByItsExit()
    {
        Assert.Equal("exit code 1: journal is locked", InstanceActor.DescribeExit(1, new Exiting { ExitCode = 1, Reason = "journal is locked" }));
        Assert.Equal("killed by signal 9", InstanceActor.DescribeExit(137, null));
        Assert.Equal("the worker is gone (exit code unknown)", InstanceActor.DescribeExit(null, null));
    }

    [Fact]
    public void AStopRequest_CancelsItsToken_AndKeepsTheFirstCause()
    {
        using var stop = new StopRequest();
        Assert.Null(stop.Reason);
        Assert.False(stop.Token.IsCancellationRequested);
        stop.Request("stopped by operator");
        stop.Request("received SIGTERM"); // a second cause does not rewrite why the run ended
        Assert.True(stop.Token.IsCancellationRequested);
        Assert.Equal("stopped by operator", stop.Reason);
        Assert.Null(stop.Within); // a signal names no timeout, nor did this stop
    }

    [Fact]
    public void AStopRequest_KeepsTheFirstTimeoutNamed()
    {
        using var stop = new StopRequest();
        stop.Request("received SIGTERM");
        stop.Request("stopped by operator", TimeSpan.FromSeconds(45));
        stop.Request("stopped by operator", TimeSpan.FromSeconds(5)); // the daemon's stop sent again: the first holds
        Assert.Equal(TimeSpan.FromSeconds(45), stop.Within);
    }

    [Fact]
    public void OnlyACleanEnd_ConfirmsAFlatBook_ARunThatSentNothingSaysNothing_AnyOtherEndLeavesItUnconfirmed()
    {
        Assert.True(ExitCodes.ConfirmsFlatBook(ExitCodes.Ok));
        foreach (var sentNothing in new[] { ExitCodes.InvalidInput, ExitCodes.ReconciliationFailed, ExitCodes.CouldNotBegin })
            Assert.Null(ExitCodes.ConfirmsFlatBook(sentNothing));
        foreach (var unconfirmed in new int?[] { ExitCodes.Failure, ExitCodes.OrdersLeftOnVenue, 137, -1, null })
            Assert.False(ExitCodes.ConfirmsFlatBook(unconfirmed));
    }
}
