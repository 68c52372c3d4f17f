using System.Net;

namespace AspireCache.Client;

/// <summary>The node serves no group of that name (a 404 of type <see cref="CacheHttpProtocol.UnknownGroupProblem"/>).</summary>
public sealed class CacheGroupNotFoundException : CacheNodeException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="member">The member that answered.</param>
    /// <param name="group">The group asked for.</param>
    public CacheGroupNotFoundException(string member, string group)
        : base(member, HttpStatusCode.NotFound, $"Member {member} serves no group named '{group}'.")
    {
        Group = group;
    }

    /// <summary>The group asked for.</summary>
    public string Group { get; }
}
