using Google.Protobuf.WellKnownTypes;
using GrpcMM.Protos.V1;
using Mmd.Grpc;

namespace Mmd.Daemon.Tests;

public class WatchEventEncodingTests
{
    [Fact]
    public void AMessage_IsEncodedOnce_AndDecodesToItself()
    {
        var e = new WatchEvent { Instance = "mm1", Sequence = 7, Time = Timestamp.FromDateTime(new DateTime(2026, 11, 24, 0, 0, 0, DateTimeKind.Utc)), Stats = new InstanceStats { Strategy = "spot_market_making" } };
        var first = WatchEventEncoding.Bytes(e);
        Assert.Same(first, WatchEventEncoding.Bytes(e));
        Assert.Equal(e, WatchEvent.Parser.ParseFrom(first));
    }

    [Fact]
    public void AClone_WithItsDroppedCount_IsEncodedOnItsOwn()
    {
        var e = new WatchEvent { Instance = "mm1", Sequence = 7, Deleted = true };
        _ = WatchEventEncoding.Bytes(e);
        var told = e.Clone();
        told.Dropped = 3;
        Assert.Equal(3ul, WatchEvent.Parser.ParseFrom(WatchEventEncoding.Bytes(told)).Dropped);
        Assert.Equal(0ul, WatchEvent.Parser.ParseFrom(WatchEventEncoding.Bytes(e)).Dropped);
    }

    [Fact]
    public void TheHandBoundService_HasTheProtosName() =>
        Assert.Equal(StatsServiceBinding.ServiceName, StatsService.Descriptor.FullName);
}
