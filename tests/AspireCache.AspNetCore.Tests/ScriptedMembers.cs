namespace AspireCache.AspNetCore.Tests;

/// <summary>A membership source whose answer a test sets, or makes fail, in place of DNS.</summary>
internal sealed class ScriptedMembers : IMembershipSource
{
    private volatile IReadOnlyList<ClusterMember>? _answer = [];
    private int _asked;

    /// <summary>How often the node asked.</summary>
    public int Asked => Volatile.Read(ref _asked);

    public void Answer(params ClusterMember[] members) => _answer = members;

    /// <summary>Makes every answer from now on fail; returns how often the source was asked so far.</summary>
    public int Fail()
    {
        _answer = null;
        return Asked;
    }

    public ValueTask<IReadOnlyList<ClusterMember>> GetMembersAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<ClusterMember>? answer = _answer;
        Interlocked.Increment(ref _asked);
        return answer is null
            ? ValueTask.FromException<IReadOnlyList<ClusterMember>>(new InvalidOperationException("The DNS server did not answer."))
            : ValueTask.FromResult(answer);
    }
}
