namespace AspireCache.AspNetCore;

/// <summary>The outcome of checking a request's secret.</summary>
internal enum SecretCheck
{
    Accepted,
    Missing,
    Wrong,

    /// <summary>The peer secret offered to the client write API, which it does not open.</summary>
    PeerSecretOnClientApi,
}
