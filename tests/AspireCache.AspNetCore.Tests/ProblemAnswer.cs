namespace AspireCache.AspNetCore.Tests;

/// <summary>The parts of a node's problem+json answer that the tests read.</summary>
internal sealed record ProblemAnswer(string? Type, string? Title, string? Detail);
