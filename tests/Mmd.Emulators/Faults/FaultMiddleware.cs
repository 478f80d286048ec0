using System.Globalization;

namespace Mmd.Emulators.Faults;

/// <summary>
/// Applies an emulator's scripted faults to each request (control paths and WebSocket upgrades excepted) and records every
/// request's arrival. The venue's own error bodies are written by <paramref name="writeError"/>: 429 and 5xx speak its dialect.
/// </summary>
public static class FaultMiddleware
{
    public static async Task ApplyAsync(HttpContext context, RequestDelegate next, FaultPlan plan, TimeProvider time, Func<HttpContext, Fault, Task> writeError)
    {
        var arrived = time.GetUtcNow();
        var path = context.Request.Path.Value ?? "/";
        var fault = path.StartsWith("/_emulator", StringComparison.Ordinal) || context.WebSockets.IsWebSocketRequest
            ? null : plan.Take(context.Request.Method, path);
        try
        {
            switch (fault?.Kind)
            {
                case FaultKind.RateLimit:
                    context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                    context.Response.Headers.RetryAfter = ((int)Math.Ceiling(fault.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                    await writeError(context, fault).ConfigureAwait(false);
                    return;
                case FaultKind.ServerError:
                    context.Response.StatusCode = fault.Status;
                    await writeError(context, fault).ConfigureAwait(false);
                    return;
                case FaultKind.Slow:
                    // A venue executes what it received even when the client has given up waiting: read it all, then wait.
                    context.Request.EnableBuffering();
                    await context.Request.Body.CopyToAsync(Stream.Null, CancellationToken.None).ConfigureAwait(false);
                    context.Request.Body.Position = 0;
                    await Task.Delay(fault.Delay, time, CancellationToken.None).ConfigureAwait(false);
                    break;
                case FaultKind.ServerErrorAfterExecuting:
                    // Execute for real, throw the answer away, say only that something went wrong.
                    var answer = context.Response.Body;
                    context.Response.Body = Stream.Null;
                    await next(context).ConfigureAwait(false);
                    context.Response.Body = answer;
                    context.Response.Headers.ContentLength = null;
                    context.Response.StatusCode = fault.Status;
                    await writeError(context, fault).ConfigureAwait(false);
                    return;
                case FaultKind.LoseResponse:
                    // Execute for real, throw the answer away, cut the connection.
                    context.Response.Body = Stream.Null;
                    await next(context).ConfigureAwait(false);
                    context.Abort();
                    return;
            }
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            plan.Record(arrived, context.Request.Method, path, context.Response.StatusCode);
        }
    }
}
