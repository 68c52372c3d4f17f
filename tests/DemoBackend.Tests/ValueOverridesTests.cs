namespace DemoBackend.Tests;

/// <summary>Changed values stay within their bounds: a count of keys and the bytes they hold together.</summary>
public class ValueOverridesTests
{
    [Fact]
    public void Overrides_PastTheTotalBytes_AreRefusedAndKeepNothing()
    {
        var overrides = new ValueOverrides(maxTotalBytes: 1000);

        Assert.True(overrides.TrySet("a", new byte[600])); // 2 bytes of key, 600 of value.
        Assert.False(overrides.TrySet("b", new byte[400]));

        Assert.False(overrides.TryGet("b", out _));
        Assert.Equal(602, overrides.Bytes);
    }

    [Fact]
    public void ReplacingOrRemovingAnOverride_GivesItsBytesBack()
    {
        var overrides = new ValueOverrides(maxTotalBytes: 1000);
        Assert.True(overrides.TrySet("a", new byte[900]));

        Assert.True(overrides.TrySet("a", new byte[100])); // Only the new value counts, not both.
        Assert.True(overrides.TrySet("b", new byte[800]));
        Assert.Equal(904, overrides.Bytes);

        Assert.True(overrides.Remove("b"));
        Assert.Equal(102, overrides.Bytes);
        Assert.True(overrides.TrySet("c", new byte[800]));
    }

    [Fact]
    public void Overrides_PastTheKeyCount_AreRefused_ButAKnownKeyCanStillChange()
    {
        var overrides = new ValueOverrides(maxTotalBytes: long.MaxValue);
        for (int i = 0; i < ValueOverrides.MaxKeys; i++)
        {
            Assert.True(overrides.TrySet($"k{i}", [1]));
        }

        Assert.False(overrides.TrySet("one-more", [1]));
        Assert.True(overrides.TrySet("k0", [2]));
    }

    [Fact]
    public void TheDefaultBound_IsAFewMebibytes()
    {
        Assert.Equal(4L * 1024 * 1024, new DemoBackendOptions().MaxOverrideBytes);
    }
}
