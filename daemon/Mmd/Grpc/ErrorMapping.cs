using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Mmd.Specs;
using Mmd.Supervision;

namespace Mmd.Grpc;

/// <summary>
/// Maps the supervisor's refusals to gRPC status codes in one place: a bad spec or request is INVALID_ARGUMENT
/// carrying google.rpc.BadRequest with one violation per bad field.
/// </summary>
public sealed class ErrorMapping : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try { return await continuation(request, context); }
        catch (Exception ex) when (Map(ex) is { } rpc) { throw rpc; }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try { await continuation(request, responseStream, context); }
        catch (Exception ex) when (Map(ex) is { } rpc) { throw rpc; }
    }

    public static RpcException? Map(Exception ex) => ex switch
    {
        InvalidSpecException spec => InvalidArgument(spec.Message,
            spec.Violations.Select(v => spec.LineOf(v.Field) is { } line ? v with { Description = $"{v.Description} (line {line})" } : v)),
        InvalidRequestException request => InvalidArgument("invalid request", request.Violations),
        InstanceNotFoundException notFound => new RpcException(new global::Grpc.Core.Status(StatusCode.NotFound, notFound.Message)),
        InstanceAlreadyExistsException exists => new RpcException(new global::Grpc.Core.Status(StatusCode.AlreadyExists, exists.Message)),
        InstanceUnavailableException unavailable => new RpcException(new global::Grpc.Core.Status(StatusCode.Unavailable, unavailable.Message)),
        InstanceAbortedException aborted => new RpcException(new global::Grpc.Core.Status(StatusCode.Aborted, aborted.Message)),
        InstancePreconditionException precondition => new RpcException(new global::Grpc.Core.Status(StatusCode.FailedPrecondition, precondition.Message)),
        Microsoft.EntityFrameworkCore.DbUpdateException or Microsoft.Data.Sqlite.SqliteException => DatabaseUnwritable(ex, "the daemon's database could not be written"),
        ChangeNotSavedException notSaved => DatabaseUnwritable(notSaved, notSaved.Message),
        _ => null,
    };

    /// <summary>The daemon's database refused a write: RESOURCE_EXHAUSTED when the disk is full (SQLITE_FULL), else INTERNAL.</summary>
    private static RpcException DatabaseUnwritable(Exception ex, string what)
    {
        var full = ex.GetBaseException() is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 13 };
        return new RpcException(new global::Grpc.Core.Status(full ? StatusCode.ResourceExhausted : StatusCode.Internal, $"{what}: {ex.GetBaseException().Message}"));
    }

    public static RpcException InvalidArgument(string message, IEnumerable<FieldViolation> violations)
    {
        var badRequest = new BadRequest();
        foreach (var v in violations) badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description });
        var summary = $"{message}: {string.Join("; ", badRequest.FieldViolations.Select(v => $"{v.Field}: {v.Description}"))}";
        return new Google.Rpc.Status { Code = (int)Code.InvalidArgument, Message = summary, Details = { Any.Pack(badRequest) } }.ToRpcException();
    }
}
