using Google.Protobuf;
using Grpc.Core;
using GrpcMM.Protos.V1;

namespace Mmd.Grpc;

/// <summary>
/// mm.v1.StatsService bound by hand instead of by the generated StatsServiceBase: the same service, method and wire,
/// with a response marshaller that writes each watch message's bytes encoded once (<see cref="WatchEventEncoding"/>)
/// instead of encoding it again for each of a thousand watchers.
/// </summary>
[BindServiceMethod(typeof(StatsServiceBinding), nameof(BindService))]
public abstract class StatsServiceBinding
{
    /// <summary>
    /// The service's name as a literal: StatsService.Descriptor.FullName would build the descriptors of every mm.v1
    /// message while the daemon starts (60 ms of its start-up), and only reflection needs them.
    /// </summary>
    internal const string ServiceName = "mm.v1.StatsService";

    private static readonly Method<WatchRequest, WatchEvent> WatchMethod = new(
        MethodType.ServerStreaming, ServiceName, "Watch",
        Marshallers.Create(static (WatchRequest r) => r.ToByteArray(), WatchRequest.Parser.ParseFrom),
        Marshallers.Create(WatchEventEncoding.Serialize, static context => WatchEvent.Parser.ParseFrom(context.PayloadAsReadOnlySequence())));

    /// <summary>The service's descriptor, for server reflection (which reads it from the binding type).</summary>
    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => StatsService.Descriptor;

    /// <summary>Called by Grpc.AspNetCore with no instance: it binds each method by name to the instance resolved per call.</summary>
    public static void BindService(ServiceBinderBase binder, StatsServiceBinding? service) =>
        binder.AddMethod(WatchMethod, service is null ? null : service.Watch);

    public abstract Task Watch(WatchRequest request, IServerStreamWriter<WatchEvent> responseStream, ServerCallContext context);
}
