using Grpc.Core;

namespace Mmctl;

/// <summary>mmctl's exit codes, and the one table that maps gRPC status codes to them.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    /// <summary>Bad arguments or a spec the daemon rejected (INVALID_ARGUMENT).</summary>
    public const int InvalidInput = 2;
    public const int NotFound = 3;
    public const int AlreadyExists = 4;
    /// <summary>The instance's state forbids it (FAILED_PRECONDITION).</summary>
    public const int Precondition = 5;
    public const int Timeout = 6;
    /// <summary>Not allowed on the socket (PERMISSION_DENIED), as sysexits' EX_NOPERM.</summary>
    public const int PermissionDenied = 77;
    /// <summary>No daemon answers (UNAVAILABLE), as sysexits' EX_UNAVAILABLE.</summary>
    public const int Unavailable = 69;

    public static int From(StatusCode code) => code switch
    {
        StatusCode.OK => Ok,
        StatusCode.InvalidArgument or StatusCode.OutOfRange => InvalidInput,
        StatusCode.NotFound => NotFound,
        StatusCode.AlreadyExists => AlreadyExists,
        StatusCode.FailedPrecondition => Precondition,
        StatusCode.DeadlineExceeded => Timeout,
        StatusCode.PermissionDenied or StatusCode.Unauthenticated => PermissionDenied,
        StatusCode.Unavailable => Unavailable,
        _ => Failure,
    };
}
