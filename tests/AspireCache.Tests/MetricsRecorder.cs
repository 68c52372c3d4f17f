using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace AspireCache.Tests;

/// <summary>Listens to the AspireCache meter and keeps what one group reports.</summary>
internal sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly string _group;
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _recorded = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _observed = new();

    public MetricsRecorder(string group)
    {
        _group = group;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == AspireCacheDiagnostics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Keep(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Keep(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Keep(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The latest observed value of an observable instrument, for measurements with these tags.</summary>
    public long Observed(string instrument, params (string Key, string Value)[] tags)
    {
        _observed.Clear();
        _listener.RecordObservableInstruments();
        return (long)Matching(_observed, instrument, tags).Sum(m => m.Value);
    }

    /// <summary>The latest observed values of an observable instrument of doubles, for measurements with these tags.</summary>
    public double[] ObservedValues(string instrument, params (string Key, string Value)[] tags)
    {
        _observed.Clear();
        _listener.RecordObservableInstruments();
        return Matching(_observed, instrument, tags).Select(m => m.Value).ToArray();
    }

    /// <summary>The latest observations of an observable instrument, each with all its tags.</summary>
    public (double Value, Dictionary<string, object?> Tags)[] ObservedWithTags(string instrument)
    {
        _observed.Clear();
        _listener.RecordObservableInstruments();
        return [.. Matching(_observed, instrument, []).Select(m => (m.Value, m.Tags))];
    }

    /// <summary>The recorded histogram values of an instrument, for measurements with these tags.</summary>
    public double[] Recorded(string instrument, params (string Key, string Value)[] tags) =>
        Matching(_recorded, instrument, tags).Select(m => m.Value).ToArray();

    public void Dispose() => _listener.Dispose();

    private static IEnumerable<(string Instrument, double Value, Dictionary<string, object?> Tags)> Matching(
        ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> measurements, string instrument, (string Key, string Value)[] tags) =>
        measurements.Where(m => m.Instrument == instrument && tags.All(t => Equals(m.Tags.GetValueOrDefault(t.Key), t.Value)));

    private void Keep(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var tagMap = new Dictionary<string, object?>();
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            tagMap[tag.Key] = tag.Value;
        }

        if (Equals(tagMap.GetValueOrDefault("aspirecache.group"), _group))
        {
            (instrument.IsObservable ? _observed : _recorded).Enqueue((instrument.Name, value, tagMap));
        }
    }
}
