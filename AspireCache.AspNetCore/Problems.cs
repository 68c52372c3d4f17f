using AspireCache.Client;

namespace AspireCache.AspNetCore;

/// <summary>The node's error answers: RFC 9457 problem details, with types of our own (<see cref="CacheHttpProtocol"/>) where clients must tell errors apart.</summary>
internal static class Problems
{
    public static Task WriteAsync(HttpContext context, int status, string title, string detail, string? type = null, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(statusCode: status, title: title, detail: detail, type: type, extensions: extensions).ExecuteAsync(context);

    public static Task UnknownGroupAsync(HttpContext context, string group) =>
        WriteAsync(context, StatusCodes.Status404NotFound, "Unknown group", $"This node serves no group named '{group}'.", CacheHttpProtocol.UnknownGroupProblem);

    public static Task InvalidKeyAsync(HttpContext context, string detail) =>
        WriteAsync(context, StatusCodes.Status400BadRequest, "Invalid key", detail, CacheHttpProtocol.InvalidKeyProblem);
}
