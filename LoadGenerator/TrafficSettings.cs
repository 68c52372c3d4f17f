using System.Globalization;

namespace LoadGenerator;

/// <summary>What one run of the load generator does: its rate, key space, skew and route.</summary>
/// <param name="Rate">Reads started per second.</param>
/// <param name="Keys">How many distinct keys.</param>
/// <param name="Skew">The Zipf exponent of key popularity.</param>
/// <param name="Route">How reads reach the cluster.</param>
public sealed record TrafficSettings(double Rate, int Keys, double Skew, TrafficRoute Route)
{
    /// <summary>The lowest rate accepted, in reads per second.</summary>
    public const double MinRate = 0.1;

    /// <summary>The highest rate accepted: far beyond what one generator process can start, as a guard against typos.</summary>
    public const double MaxRate = 100_000;

    /// <summary>The largest key space: its distribution takes 8 bytes per key.</summary>
    public const int MaxKeys = 10_000_000;

    /// <summary>The largest Zipf exponent; beyond it one key takes practically every read.</summary>
    public const double MaxSkew = 5;

    /// <summary>The key of a rank, as every run names it, so that runs share their keys.</summary>
    public static string KeyOf(int rank) => "item-" + rank.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The settings a start request asks for: each of <c>rate</c>, <c>keys</c>, <c>skew</c> and <c>route</c>
    /// that is given replaces the default. Every value is checked, and every problem is named.
    /// </summary>
    public static (TrafficSettings? Settings, Dictionary<string, string[]> Errors) Parse(
        TrafficSettings defaults, string? rate, string? keys, string? skew, string? route)
    {
        var errors = new Dictionary<string, string[]>();
        double parsedRate = defaults.Rate;
        int parsedKeys = defaults.Keys;
        double parsedSkew = defaults.Skew;
        TrafficRoute parsedRoute = defaults.Route;

        if (rate is not null && !(double.TryParse(rate, NumberStyles.Float, CultureInfo.InvariantCulture, out parsedRate) && parsedRate is >= MinRate and <= MaxRate))
        {
            errors["rate"] = [$"rate must be a number of reads per second from {MinRate.ToString(CultureInfo.InvariantCulture)} to {MaxRate.ToString(CultureInfo.InvariantCulture)}; it is '{rate}'."];
        }

        if (keys is not null && !(int.TryParse(keys, NumberStyles.Integer, CultureInfo.InvariantCulture, out parsedKeys) && parsedKeys is >= 1 and <= MaxKeys))
        {
            errors["keys"] = [$"keys must be a whole number from 1 to {MaxKeys.ToString(CultureInfo.InvariantCulture)}; it is '{keys}'."];
        }

        if (skew is not null && !(double.TryParse(skew, NumberStyles.Float, CultureInfo.InvariantCulture, out parsedSkew) && parsedSkew is >= 0 and <= MaxSkew))
        {
            errors["skew"] = [$"skew must be a Zipf exponent from 0 (uniform) to {MaxSkew.ToString(CultureInfo.InvariantCulture)}; it is '{skew}'."];
        }

        if (route is not null && !TryParseRoute(route, out parsedRoute))
        {
            errors["route"] = [$"route must be 'nodes' (spread over every node) or 'owner' (the owner-routing client); it is '{route}'."];
        }

        return errors.Count > 0 ? (null, errors) : (new TrafficSettings(parsedRate, parsedKeys, parsedSkew, parsedRoute), errors);
    }

    // By name only: Enum.TryParse would also take "1".
    private static bool TryParseRoute(string route, out TrafficRoute parsed)
    {
        parsed = route.ToLowerInvariant() switch
        {
            "nodes" => TrafficRoute.Nodes,
            "owner" => TrafficRoute.Owner,
            _ => (TrafficRoute)(-1),
        };
        return Enum.IsDefined(parsed);
    }
}
