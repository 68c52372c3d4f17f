namespace AspireCache.AspNetCore;

/// <summary>The node's error answers: RFC 9457 problem details, with types of our own where clients must tell errors apart.</summary>
internal static class Problems
{
    /// <summary>The problem type of a 404 for a key that the source does not have.</summary>
    public const string NoSuchKeyType = "urn:aspirecache:problem:no-such-key";

    /// <summary>The problem type of a 404 for a group that the node does not serve.</summary>
    public const string UnknownGroupType = "urn:aspirecache:problem:unknown-group";

    /// <summary>The problem type of a 503 for a removal, write or clear that some members did not acknowledge; its <c>members</c> names them.</summary>
    public const string NotAcknowledgedType = "urn:aspirecache:problem:not-acknowledged";

    /// <summary>The problem type of a 413 for a written value over the group's MaxValueBytes.</summary>
    public const string ValueTooLargeType = "urn:aspirecache:problem:value-too-large";

    public static Task WriteAsync(HttpContext context, int status, string title, string detail, string? type = null, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(statusCode: status, title: title, detail: detail, type: type, extensions: extensions).ExecuteAsync(context);

    public static Task UnknownGroupAsync(HttpContext context, string group) =>
        WriteAsync(context, StatusCodes.Status404NotFound, "Unknown group", $"This node serves no group named '{group}'.", UnknownGroupType);

    public static Task InvalidKeyAsync(HttpContext context, string detail) =>
        WriteAsync(context, StatusCodes.Status400BadRequest, "Invalid key", detail);
}
