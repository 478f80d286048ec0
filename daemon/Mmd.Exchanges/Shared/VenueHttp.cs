using System.Net;
using System.Net.Http.Headers;

namespace Mmd.Exchanges.Shared;

/// <summary>The answer of one venue request: its status, headers and body text (the response itself is disposed).</summary>
public sealed record VenueAnswer(HttpStatusCode Status, HttpResponseHeaders Headers, string Text)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;
}

/// <summary>
/// The transport half every venue's REST client shares: one request under a deadline, and what a failure says about
/// whether the venue acted. No answer in time, a connection lost after sending, or an answer lost on the way are an
/// unknown outcome (<paramref name="unknown"/>), to be settled by asking the venue; a connection that never opened sent
/// nothing, so a write there did not happen (<paramref name="notSent"/>; a read is just unknown, and retried).
/// </summary>
public static class VenueHttp
{
    /// <param name="what">The request as errors name it: method and path, never the query (it may carry a signature).</param>
    public static async Task<VenueAnswer> ExchangeAsync(HttpClient http, HttpRequestMessage request, string what, TimeSpan timeout, bool isWrite,
        Func<string, Exception?, Exception> unknown, Func<string, Exception> notSent, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw unknown($"{what} had no answer within {timeout.TotalSeconds:0.#} s", null);
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError && isWrite)
        {
            throw notSent(e.Message);
        }
        catch (HttpRequestException e)
        {
            throw unknown($"{what}: {e.Message}", e);
        }
        using (response)
        {
            try
            {
                return new VenueAnswer(response.StatusCode, response.Headers, await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false));
            }
            catch (Exception e) when (e is OperationCanceledException or HttpRequestException && !ct.IsCancellationRequested)
            {
                throw unknown($"{what}: the answer was lost", e);
            }
        }
    }

    /// <summary>A venue's error body, or null when the text is not JSON of that shape (an HTML page from a proxy, say).</summary>
    public static T? TryRead<T>(string text, System.Text.Json.JsonSerializerOptions options) where T : class
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<T>(text, options);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>How long a 429 asks everyone to wait: its Retry-After, else <paramref name="otherwise"/>.</summary>
    public static TimeSpan RetryAfter(RetryConditionHeaderValue? header, TimeSpan otherwise, TimeProvider time) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } when date > time.GetUtcNow() => date - time.GetUtcNow(),
        _ => otherwise,
    };
}
