namespace LoadGenerator.Tests;

public sealed class TrafficSettingsTests
{
    private static readonly TrafficSettings Defaults = new(200, 10_000, 1.0, TrafficRoute.Nodes);

    [Fact]
    public void NothingGiven_KeepsTheDefaults()
    {
        (TrafficSettings? settings, Dictionary<string, string[]> errors) = TrafficSettings.Parse(Defaults, null, null, null, null);

        Assert.Empty(errors);
        Assert.Equal(Defaults, settings);
    }

    [Fact]
    public void EachGivenValue_ReplacesItsDefault()
    {
        (TrafficSettings? settings, _) = TrafficSettings.Parse(Defaults, "50.5", "100", "0", "Owner");

        Assert.Equal(new TrafficSettings(50.5, 100, 0, TrafficRoute.Owner), settings);
    }

    [Theory]
    [InlineData("rate", "abc", null, null, null)]
    [InlineData("rate", "0", null, null, null)]
    [InlineData("rate", "1e9", null, null, null)]
    [InlineData("keys", null, "0", null, null)]
    [InlineData("keys", null, "1.5", null, null)]
    [InlineData("keys", null, "20000000", null, null)]
    [InlineData("skew", null, null, "-1", null)]
    [InlineData("skew", null, null, "NaN", null)]
    [InlineData("route", null, null, null, "1")]
    [InlineData("route", null, null, null, "everywhere")]
    public void AnOutOfRangeValue_IsNamedWithWhatIsAllowed(string name, string? rate, string? keys, string? skew, string? route)
    {
        (TrafficSettings? settings, Dictionary<string, string[]> errors) = TrafficSettings.Parse(Defaults, rate, keys, skew, route);

        Assert.Null(settings);
        string message = Assert.Single(Assert.Single(errors, e => e.Key == name).Value);
        Assert.Contains($"'{rate ?? keys ?? skew ?? route}'", message, StringComparison.Ordinal);
    }

    [Fact]
    public void SeveralBadValues_AreAllNamed()
    {
        (_, Dictionary<string, string[]> errors) = TrafficSettings.Parse(Defaults, "-5", "0", "9", "x");

        Assert.Equal(["keys", "rate", "route", "skew"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Keys_AreNamedByRank()
    {
        Assert.Equal("item-0", TrafficSettings.KeyOf(0));
        Assert.Equal("item-12345", TrafficSettings.KeyOf(12345));
    }
}
