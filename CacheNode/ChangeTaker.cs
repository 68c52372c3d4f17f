namespace AspireCache.Node;

/// <summary>
/// Takes a client's removal, write or clear: runs it through the group, which passes it to the ring, and
/// records which members missed it (<see cref="MissedChanges"/>), so that they clear before they serve again.
/// </summary>
internal sealed class ChangeTaker(LocalNode node, MissedChanges missed, TimeProvider time)
{
    /// <summary>Runs <paramref name="change"/> on <paramref name="group"/>.</summary>
    /// <exception cref="CacheInvalidationException">
    /// Members of the ring did not acknowledge. Thrown only once their leases have surely run out, so that
    /// whoever hears it can count on them not serving the old value from then on.
    /// </exception>
    public async Task TakeAsync(CacheGroup group, Func<CancellationToken, Task> change, CancellationToken cancellationToken)
    {
        try
        {
            await change(cancellationToken);
        }
        catch (CacheInvalidationException ex)
        {
            foreach (string member in ex.Members)
            {
                missed.Record(member, group.Name);
            }

            RecordOutOfRing(group);
            TimeSpan wait = missed.UntilLeasesRunOut(ex.Members, node.Lease.Duration);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken);
            }

            throw;
        }

        RecordOutOfRing(group);
    }

    // Members out of the ring were not told at all: they owe a clear whenever they come back.
    private void RecordOutOfRing(CacheGroup group)
    {
        foreach (string peer in node.Health.PeerNames)
        {
            if (!node.Health.IsInRing(peer))
            {
                missed.Record(peer, group.Name);
            }
        }
    }
}
