using System.Net;

namespace AspireCache.Client;

/// <summary>Turns a node's error answer into the exception that the engine would throw for it, or a client one.</summary>
internal static class NodeErrors
{
    public static Exception ToException(HttpResponseMessage response, NodeProblem problem, string member, string group, bool hasAdminSecret)
    {
        HttpStatusCode status = response.StatusCode;
        bool fromSource = response.Headers.Contains(CacheHttpProtocol.SourceErrorHeader);
        string detail = problem.Detail ?? $"Member {member} answered {(int)status} {response.ReasonPhrase}.";
        switch (status)
        {
            case HttpStatusCode.BadRequest when problem.Type == CacheHttpProtocol.InvalidKeyProblem:
                return new InvalidCacheKeyException(detail);
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                return new CacheAccessDeniedException(
                    member,
                    status,
                    hasAdminSecret ? detail : $"{detail} This client has no admin secret: set {CacheSettingNames.Client.Section}:{{connection}}:{CacheSettingNames.Client.AdminSecret}.");
            case HttpStatusCode.NotFound when problem.Type == CacheHttpProtocol.UnknownGroupProblem:
                return new CacheGroupNotFoundException(member, group);
            case HttpStatusCode.NotFound when fromSource || problem.Type == CacheHttpProtocol.NoSuchKeyProblem:
                return new CacheKeyNotFoundException(detail);
            case HttpStatusCode.RequestEntityTooLarge:
                return new CacheValueTooLargeException(detail);
            case HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout when fromSource:
                return new CacheSourceException(detail, isTimeout: status == HttpStatusCode.GatewayTimeout);
            case HttpStatusCode.ServiceUnavailable when problem.Type == CacheHttpProtocol.NotAcknowledgedProblem:
                return new CacheInvalidationException(group, problem.Members);
            default:
                return new CacheNodeException(member, status, detail);
        }
    }
}
