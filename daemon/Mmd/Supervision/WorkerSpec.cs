using Google.Protobuf;
using GrpcMM.Protos.V1;
using Mmd.Specs;

namespace Mmd.Supervision;

/// <summary>
/// How the daemon hands a worker its spec (in <see cref="WorkerLauncher.SpecVariable"/>): base64 of the binary
/// protobuf of the spec the daemon holds (and has validated). The worker reads it with generated code instead of the
/// reflection-driven JSON parser, which cost each worker start some 170 ms.
/// </summary>
public static class WorkerSpec
{
    public static string Encode(InstanceSpec spec) => Convert.ToBase64String(spec.ToByteArray());

    /// <exception cref="InvalidSpecException">The value is not base64 of an InstanceSpec.</exception>
    public static InstanceSpec Decode(string encoded)
    {
        try
        {
            return InstanceSpec.Parser.ParseFrom(Convert.FromBase64String(encoded));
        }
        catch (Exception ex) when (ex is FormatException or InvalidProtocolBufferException)
        {
            throw new InvalidSpecException("worker", [new("(spec)", $"{WorkerLauncher.SpecVariable} is not a base64 InstanceSpec: {ex.Message}")]);
        }
    }
}
