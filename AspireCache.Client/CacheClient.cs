using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ServiceDiscovery;

namespace AspireCache.Client;

/// <summary>The owner-routing <see cref="ICacheClient"/>: each request goes to the key's owner, and to one other member when the owner does not answer.</summary>
internal sealed partial class CacheClient : ICacheClient
{
    /// <summary>The name of the client's HttpClient: no resilience handler, no per-request logging.</summary>
    public const string HttpClientName = "aspirecache-client";

    private readonly CacheClientSettings _settings;
    private readonly IHttpClientFactory _clients;
    private readonly MemberRouter _router;
    private readonly MemberAddresses _addresses;
    private readonly CacheClientMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AuthenticationHeaderValue? _admin;
    private readonly TelemetryKeyHash? _keyHash;

    public CacheClient(
        CacheClientSettings settings,
        IHttpClientFactory clients,
        ServiceEndpointResolver? resolver,
        CacheClientMetrics metrics,
        TimeProvider time,
        ILogger<CacheClient> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        (List<CacheMember> members, List<string> errors) = CacheConnectionString.Parse(settings.ConnectionString);
        if (members.Count == 0 || errors.Count > 0)
        {
            throw new ArgumentException($"The cache client's connection string names no members or has errors: {string.Join(" ", errors)}", nameof(settings));
        }

        _settings = settings;
        _clients = clients;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _router = new MemberRouter([.. members.Select(m => m.Name)], settings.AvoidFailedMemberFor, time);
        _addresses = new MemberAddresses(members, resolver);
        _admin = string.IsNullOrEmpty(settings.AdminSecret) ? null : new AuthenticationHeaderValue("Bearer", settings.AdminSecret);
        _keyHash = string.IsNullOrEmpty(settings.KeyHashSecret) ? null : new TelemetryKeyHash(settings.KeyHashSecret);
    }

    public async Task<CacheGetResult> GetAsync(string group, string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        ValidateKey(group, key);
        var request = new CacheRequest(HttpMethod.Get, CacheHttpProtocol.KeyPath(group, key), Authorization: null);
        return (await RunAsync(CacheClientOperation.Get, group, key, request, cancellationToken).ConfigureAwait(false))!;
    }

    public Task WriteAsync(string group, string key, ReadOnlyMemory<byte> value, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        ValidateKey(group, key);
        if (timeToLive < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeToLive), timeToLive, "A time to live cannot be negative.");
        }

        var request = new CacheRequest(HttpMethod.Put, CacheHttpProtocol.KeyPath(group, key), _admin, value, timeToLive);
        return RunAsync(CacheClientOperation.Write, group, key, request, cancellationToken);
    }

    public Task RemoveAsync(string group, string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        ValidateKey(group, key);
        var request = new CacheRequest(HttpMethod.Delete, CacheHttpProtocol.KeyPath(group, key), _admin);
        return RunAsync(CacheClientOperation.Remove, group, key, request, cancellationToken);
    }

    public Task ClearAsync(string group, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        var request = new CacheRequest(HttpMethod.Post, CacheHttpProtocol.ClearPath(group), _admin);
        return RunAsync(CacheClientOperation.Clear, group, key: null, request, cancellationToken);
    }

    // What can never be a key is refused before anything is sent; only the node knows the group's length limit.
    private static void ValidateKey(string group, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        CacheKeyRules.Validate(key, int.MaxValue, group);
    }

    /// <summary>Sends to the key's member (any member for a clear), and once more to another when it does not answer.</summary>
    private async Task<CacheGetResult?> RunAsync(CacheClientOperation operation, string group, string? key, CacheRequest request, CancellationToken cancellationToken)
    {
        long started = _time.GetTimestamp();
        using Activity? activity = CacheClientTracing.Start(operation, group, key, _keyHash);

        // A clear goes to any member that answers; routing by the group's name spreads clears of different groups.
        string routingKey = key ?? group;
        string member = _router.Pick(routingKey);
        if (key is not null)
        {
            activity?.SetTag(CacheClientTracing.OwnerTag, _router.OwnerOf(key));
        }

        bool retried = false;
        string outcome = "success";
        CacheGetResult? result = null;
        try
        {
            try
            {
                result = await AttemptAsync(operation, group, member, request, retried, cancellationToken).ConfigureAwait(false);
            }
            catch (MemberUnansweredException first)
            {
                Unanswered(first);
                string? instead = _router.PickInstead(routingKey, member);
                if (instead is null)
                {
                    throw new CacheUnreachableException([member], first);
                }

                _metrics.Retried(operation, group, first.Reason);
                retried = true;
                string failed = member;
                member = instead;
                try
                {
                    result = await AttemptAsync(operation, group, member, request, retried, cancellationToken).ConfigureAwait(false);
                }
                catch (MemberUnansweredException second)
                {
                    Unanswered(second);
                    throw new CacheUnreachableException([failed, member], second);
                }
            }

            if (result is not null)
            {
                activity?.SetTag(CacheClientTracing.ResultTag, CacheSourceNames.NameOf(result.Source));
            }

            return result;
        }
        catch (Exception ex)
        {
            outcome = OutcomeOf(ex, cancellationToken);
            if (outcome != "not_found")
            {
                CacheClientTracing.Failed(activity, ex);
            }

            throw;
        }
        finally
        {
            activity?.SetTag(CacheClientTracing.MemberTag, member);
            activity?.SetTag(CacheClientTracing.RetriedTag, retried);
            _metrics.Completed(operation, group, outcome, result is null ? null : CacheSourceNames.NameOf(result.Source), _time.GetElapsedTime(started));
        }
    }

    private void Unanswered(MemberUnansweredException ex)
    {
        _router.Avoid(ex.Member);
        LogUnanswered(_logger, ex.Member, ex.Reason, _settings.AvoidFailedMemberFor);
    }

    /// <summary>
    /// One request to one member: its answer, an exception for its error answer, <see cref="MemberUnansweredException"/>
    /// while the member has not shown it is there, or <see cref="CacheTimeoutException"/> once it has.
    /// </summary>
    private async Task<CacheGetResult?> AttemptAsync(CacheClientOperation operation, string group, string member, CacheRequest request, bool retried, CancellationToken cancellationToken)
    {
        Uri baseAddress = await _addresses.ResolveAsync(member, cancellationToken).ConfigureAwait(false);

        // One source per attempt: the LoadTimeout deadline, which the caller's cancellation trips as well.
        using var attempt = new CancellationTokenSource(_settings.LoadTimeout, _time);
        using CancellationTokenRegistration callerCancels = cancellationToken.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), attempt);
        using HttpRequestMessage message = request.ToMessage(baseAddress);

        // Once the member has answered its liveness check or started answering, it is there: a deadline that
        // expires after that is its slowness (a slow source, slow acknowledgements), which another member
        // would share, so it is neither retried nor held against the member.
        bool alive = false;
        try
        {
            Task<HttpResponseMessage> send = _clients.CreateClient(HttpClientName).SendAsync(message, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
            if (!send.IsCompleted && await WaitForAnswerAsync(send, member, baseAddress, attempt, cancellationToken).ConfigureAwait(false))
            {
                alive = true;
                LogSlowButAlive(_logger, member, _settings.LoadTimeout);
            }

            using HttpResponseMessage response = await send.ConfigureAwait(false);
            alive = true;
            if (!response.IsSuccessStatusCode)
            {
                NodeProblem problem = await NodeProblem.ReadAsync(response, attempt.Token).ConfigureAwait(false);
                throw NodeErrors.ToException(response, problem, member, group, _admin is not null);
            }

            return operation == CacheClientOperation.Get ? await ReadValueAsync(response, member, group, _settings.MaxValueBytesOf(group), retried, attempt.Token).ConfigureAwait(false) : null;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            if (alive)
            {
                throw new CacheTimeoutException(member, _settings.LoadTimeout, ex);
            }

            throw new MemberUnansweredException(member, "timeout", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw new MemberUnansweredException(member, "connection", ex);
        }
    }

    /// <summary>
    /// Waits <see cref="CacheClientSettings.RequestTimeout"/> for the answer's headers; then asks the member
    /// whether it is alive. Alive, it is loading or passing a change on, and the caller waits on within
    /// <see cref="CacheClientSettings.LoadTimeout"/>; silent, it is gone, and the request is abandoned.
    /// </summary>
    /// <returns>True when the member answered its liveness check; false when the request ended first.</returns>
    private async Task<bool> WaitForAnswerAsync(Task<HttpResponseMessage> send, string member, Uri baseAddress, CancellationTokenSource attempt, CancellationToken cancellationToken)
    {
        try
        {
            await send.WaitAsync(_settings.RequestTimeout, _time, CancellationToken.None).ConfigureAwait(false);
            return false;
        }
        catch (TimeoutException)
        {
        }

        Task<bool> probe = IsAliveAsync(baseAddress, cancellationToken);
        if (await Task.WhenAny(send, probe).ConfigureAwait(false) == send)
        {
            return false;
        }

        if (await probe.ConfigureAwait(false))
        {
            return true;
        }

        await attempt.CancelAsync().ConfigureAwait(false);
        await ((Task)send).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (send.IsCompletedSuccessfully)
        {
            send.Result.Dispose();
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw new MemberUnansweredException(member, "timeout", null);
    }

    /// <summary>True when the member answers anything at all on its liveness path within <see cref="CacheClientSettings.ProbeTimeout"/>.</summary>
    private async Task<bool> IsAliveAsync(Uri baseAddress, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(_settings.ProbeTimeout, _time);
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            using HttpResponseMessage response = await _clients.CreateClient(HttpClientName)
                .GetAsync(new Uri(baseAddress, CacheHttpProtocol.AlivePath), HttpCompletionOption.ResponseHeadersRead, probe.Token)
                .ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
        {
            return false;
        }
    }

    private static async Task<CacheGetResult> ReadValueAsync(HttpResponseMessage response, string member, string group, int limit, bool retried, CancellationToken cancellationToken)
    {
        byte[] value = await ReadBodyAsync(response.Content, member, group, limit, cancellationToken).ConfigureAwait(false);
        HttpResponseHeaders headers = response.Headers;
        CacheControlHeaderValue? cacheControl = headers.CacheControl;
        return new CacheGetResult(value, SourceOf(headers), member)
        {
            Owner = FirstOf(headers, CacheHttpProtocol.OwnerHeader),
            IsStale = string.Equals(FirstOf(headers, CacheHttpProtocol.StaleHeader), "true", StringComparison.OrdinalIgnoreCase),
            Age = headers.Age,
            TimeToLive = cacheControl is null ? null : cacheControl.NoStore ? TimeSpan.Zero : cacheControl.MaxAge,
            Retried = retried,
        };
    }

    // Never more than the limit: a declared length over it is refused before anything is allocated, and a body
    // without one is read to one byte past it at most. What is left unread closes the connection (the handler
    // drains nothing: see CacheClientHostingExtensions), so an answer that was cut off never reaches another request.
    private static async Task<byte[]> ReadBodyAsync(HttpContent content, string member, string group, int limit, CancellationToken cancellationToken)
    {
        long? length = content.Headers.ContentLength;
        if (length > limit)
        {
            throw new CacheAnswerTooLargeException(member, group, length, limit);
        }

        if (length == 0)
        {
            return [];
        }

        Stream stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            if (length is long known)
            {
                // With a length, read straight into an array of that size instead of a growing buffer and a copy.
                byte[] value = new byte[known];
                await stream.ReadExactlyAsync(value, cancellationToken).ConfigureAwait(false);
                return value;
            }

            byte[] buffer = new byte[Math.Min(limit + 1, 16 * 1024)];
            int filled = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (buffer.Length > limit)
                    {
                        throw new CacheAnswerTooLargeException(member, group, null, limit);
                    }

                    Array.Resize(ref buffer, (int)Math.Min((long)limit + 1, buffer.Length * 2L));
                }

                int read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return filled == buffer.Length ? buffer : buffer[..filled];
                }

                filled += read;
            }
        }
    }

    private static CacheSource SourceOf(HttpResponseHeaders headers) => FirstOf(headers, CacheHttpProtocol.ResultHeader) switch
    {
        "hit" => CacheSource.Hit,
        "hot" => CacheSource.Hot,
        "peer" => CacheSource.Peer,
        _ => CacheSource.Load,
    };

    /// <summary>A header's first value, read without validating or parsing the others.</summary>
    private static string? FirstOf(HttpResponseHeaders headers, string name)
    {
        if (headers.NonValidated.TryGetValues(name, out HeaderStringValues values))
        {
            foreach (string value in values)
            {
                return value;
            }
        }

        return null;
    }

    private static string OutcomeOf(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => "canceled",
        CacheKeyNotFoundException => "not_found",
        CacheValueTooLargeException => "too_large",
        CacheAnswerTooLargeException => "answer_too_large",
        CacheSourceException { IsTimeout: true } => "source_timeout",
        CacheSourceException => "source_error",
        InvalidCacheKeyException => "invalid_key",
        CacheInvalidationException => "not_acknowledged",
        CacheAccessDeniedException => "denied",
        CacheGroupNotFoundException => "unknown_group",
        CacheNodeException => "node_error",
        CacheUnreachableException => "unreachable",
        CacheTimeoutException => "timeout",
        _ => "error",
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Cache member {Member} is slow to answer but alive; waiting for its answer up to {LoadTimeout} in all.")]
    private static partial void LogSlowButAlive(ILogger logger, string member, TimeSpan loadTimeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cache member {Member} did not answer ({Reason}); its keys go to other members for {AvoidFor}.")]
    private static partial void LogUnanswered(ILogger logger, string member, string reason, TimeSpan avoidFor);
}
