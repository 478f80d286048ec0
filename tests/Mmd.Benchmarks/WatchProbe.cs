using System.Buffers;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using GrpcMM.Protos.V1;

namespace Mmd.Benchmarks;

/// <summary>
/// What the fan-out bench reads of a watch message: its instance, sequence, hub time, dropped count and whether it
/// carries stats. A thousand watchers in one client process that parse every stats field (thirty-odd strings per
/// message, 84 000 messages a second) spend their time in the client's GC, and its pauses then show as delivery
/// latency; a probe skips the fields it does not need, so the figure is the daemon's delivery, not the client's heap.
/// </summary>
public sealed class WatchProbe
{
    public string Instance { get; private set; } = "";
    public ulong Sequence { get; private set; }
    public DateTime Time { get; private set; }
    public ulong Dropped { get; private set; }
    public bool IsStats { get; private set; }

    /// <summary>mm.v1.StatsService.Watch with the probe as its response: the same method and wire as the generated client.</summary>
    public static readonly Method<WatchRequest, WatchProbe> WatchMethod = new(
        MethodType.ServerStreaming, StatsService.Descriptor.FullName, "Watch",
        Marshallers.Create(static (WatchRequest r) => r.ToByteArray(), WatchRequest.Parser.ParseFrom),
        Marshallers.Create<WatchProbe>(static (_, _) => throw new NotSupportedException("a probe is only read"), Parse));

    /// <summary>The probe of a message the generated client parsed whole (the bench's --full-messages).</summary>
    public static WatchProbe From(WatchEvent e) => new()
    {
        Instance = e.Instance, Sequence = e.Sequence, Time = e.Time.ToDateTime(), Dropped = e.Dropped, IsStats = e.KindCase == WatchEvent.KindOneofCase.Stats,
    };

    /// <summary>A watch read through the probe, or whole when <paramref name="fullMessages"/> (as a real client reads it).</summary>
    public static async IAsyncEnumerable<WatchProbe> WatchAsync(global::Grpc.Net.Client.GrpcChannel channel, bool fullMessages,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        if (fullMessages)
        {
            using var call = new StatsService.StatsServiceClient(channel).Watch(new WatchRequest(), cancellationToken: ct);
            await foreach (var e in call.ResponseStream.ReadAllAsync(ct)) yield return From(e);
        }
        else
        {
            using var call = channel.CreateCallInvoker().AsyncServerStreamingCall(WatchMethod, null, new CallOptions(cancellationToken: ct), new WatchRequest());
            await foreach (var probe in call.ResponseStream.ReadAllAsync(ct)) yield return probe;
        }
    }

    private static WatchProbe Parse(DeserializationContext context)
    {
        var payload = context.PayloadAsReadOnlySequence();
        var input = payload.IsSingleSegment && MemoryMarshal.TryGetArray(payload.First, out var segment)
            ? new CodedInputStream(segment.Array!, segment.Offset, segment.Count)
            : new CodedInputStream(payload.ToArray());
        var probe = new WatchProbe();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case WatchEvent.InstanceFieldNumber: probe.Instance = input.ReadString(); break;
                case WatchEvent.SequenceFieldNumber: probe.Sequence = input.ReadUInt64(); break;
                case WatchEvent.TimeFieldNumber:
                    var time = new Timestamp();
                    input.ReadMessage(time);
                    probe.Time = time.ToDateTime();
                    break;
                case WatchEvent.DroppedFieldNumber: probe.Dropped = input.ReadUInt64(); break;
                case WatchEvent.StatsFieldNumber: probe.IsStats = true; input.SkipLastField(); break;
                default: input.SkipLastField(); break;
            }
        }
        return probe;
    }
}
