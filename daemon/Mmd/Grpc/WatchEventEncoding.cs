using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.Core;
using GrpcMM.Protos.V1;

namespace Mmd.Grpc;

/// <summary>
/// The wire bytes of a watch message, computed at its first write and shared by every later write of the same
/// message object: the hub hands one immutable object to all its watchers. Entries go with their message.
/// </summary>
public static class WatchEventEncoding
{
    private static readonly ConditionalWeakTable<WatchEvent, byte[]> Encoded = [];

    public static byte[] Bytes(WatchEvent e) => Encoded.GetValue(e, static m => m.ToByteArray());

    public static void Serialize(WatchEvent e, SerializationContext context) => context.Complete(Bytes(e));
}
