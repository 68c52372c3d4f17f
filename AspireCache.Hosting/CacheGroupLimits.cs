using System.Globalization;
using AspireCache;

namespace Aspire.Hosting;

/// <summary>A group's limits as node settings (<c>Cache:Groups:{group}:{key}</c>), checked before any node gets one.</summary>
internal static class CacheGroupLimits
{
    /// <summary>Adds the limits that are given to <paramref name="settings"/>; one left null keeps the node's default.</summary>
    public static void Add(
        List<(string Key, string Value)> settings,
        long? capacityBytes,
        TimeSpan? loadTimeout,
        TimeSpan? timeToLive,
        double? refreshAhead,
        TimeSpan? staleIfError,
        int? maxValueBytes)
    {
        if (capacityBytes is long capacity)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity, nameof(capacityBytes));
            settings.Add((CacheSettingNames.Group.CapacityBytes, capacity.ToString(CultureInfo.InvariantCulture)));
        }

        AddPositive(settings, CacheSettingNames.Group.LoadTimeout, loadTimeout, nameof(loadTimeout));
        AddPositive(settings, CacheSettingNames.Group.TimeToLive, timeToLive, nameof(timeToLive));
        if (refreshAhead is double share)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(share, nameof(refreshAhead));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(share, 1, nameof(refreshAhead));
            settings.Add((CacheSettingNames.Group.RefreshAhead, share.ToString(CultureInfo.InvariantCulture)));
        }

        if (maxValueBytes is int largest)
        {
            // The nodes' own bounds (CacheGroupOptions.Validate): refused here, before any node gets the setting.
            ArgumentOutOfRangeException.ThrowIfLessThan(largest, 1, nameof(maxValueBytes));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(largest, 1024 * 1024 * 1024, nameof(maxValueBytes));
            settings.Add((CacheSettingNames.Group.MaxValueBytes, largest.ToString(CultureInfo.InvariantCulture)));
        }

        if (staleIfError is TimeSpan stale)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(stale, TimeSpan.Zero, nameof(staleIfError));
            settings.Add((CacheSettingNames.Group.StaleIfError, stale.ToString("c", CultureInfo.InvariantCulture)));
        }
    }

    private static void AddPositive(List<(string Key, string Value)> settings, string key, TimeSpan? value, string parameterName)
    {
        if (value is TimeSpan span)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(span, TimeSpan.Zero, parameterName);
            settings.Add((key, span.ToString("c", CultureInfo.InvariantCulture)));
        }
    }
}
