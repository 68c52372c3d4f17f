namespace LoadGenerator;

/// <summary>What the load generator is doing, as <c>/status</c>, <c>/start</c> and <c>/stop</c> answer.</summary>
/// <param name="Running">Whether a run is under way.</param>
/// <param name="Settings">The current or last run's settings; null before the first run.</param>
/// <param name="Seconds">How long the current or last run has lasted.</param>
/// <param name="Reads">Reads finished in that run, errors included.</param>
/// <param name="Errors">Reads that failed: no answer, a timeout, or an error status.</param>
/// <param name="Skipped">Reads that were due but not started because MaxInFlight were out.</param>
/// <param name="AchievedRate">Reads finished per second over the run.</param>
/// <param name="Results">Finished reads by how they were served (hit, hot, peer, load, not-found, error).</param>
/// <param name="LastError">The most recent error's message, if any.</param>
public sealed record TrafficStatus(
    bool Running,
    TrafficSettings? Settings,
    double Seconds,
    long Reads,
    long Errors,
    long Skipped,
    double AchievedRate,
    IReadOnlyDictionary<string, long> Results,
    string? LastError);
