namespace AspireCache.IntegrationTests;

/// <summary>The rule that turns a missing tool's skip into a failure under CI (<see cref="MissingTool"/>); nothing is started.</summary>
public sealed class MissingToolTests
{
    [Theory]
    [InlineData("true")]
    [InlineData("True")]
    [InlineData("TRUE")]
    [InlineData("1")]
    [InlineData(" true ")]
    public void UnderCi_AMissingTool_FailsTheTest(string ci)
    {
        Assert.True(MissingTool.IsCi(ci));
        Assert.Throws<Xunit.Sdk.FailException>(() => MissingTool.SkipOrFail("The 'tool' executable is not on PATH.", ci));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("false")]
    [InlineData("0")]
    [InlineData("yes")]
    public void OutsideCi_AMissingTool_SkipsTheTest(string? ci)
    {
        // Only the rule: xunit reports a test that calls Assert.Skip as skipped, even where the skip is caught.
        Assert.False(MissingTool.IsCi(ci));
    }
}
