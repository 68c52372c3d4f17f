using System.Diagnostics;

namespace AspireCache;

/// <summary>A caller's place in a <see cref="SingleFlight{TKey, TValue}"/>: the shared outcome and how the caller got it.</summary>
/// <param name="Task">The flight's outcome, shared by all its callers.</param>
/// <param name="Joined">True when the caller joined a flight that another caller had started.</param>
/// <param name="Leader">The trace context of the caller that started the flight, for linking a joiner's span to it.</param>
internal readonly record struct FlightTicket<TValue>(Task<TValue> Task, bool Joined, ActivityContext Leader);
