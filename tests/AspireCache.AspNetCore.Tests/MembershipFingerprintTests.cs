namespace AspireCache.AspNetCore.Tests;

public sealed class MembershipFingerprintTests
{
    [Fact]
    public void TheSameMembers_InAnyOrderOrRepeated_HaveOneFingerprint()
    {
        MembershipFingerprint one = MembershipFingerprint.Of(["cache-0", "cache-1", "cache-2"]);

        Assert.Equal(one, MembershipFingerprint.Of(["cache-2", "cache-0", "cache-1"]));
        Assert.Equal(one, MembershipFingerprint.Of(["cache-1", "cache-0", "cache-2", "cache-1"]));
    }

    [Fact]
    public void AnotherMemberSet_HasAnotherFingerprint_EvenWhereTheNamesRunTogether()
    {
        MembershipFingerprint three = MembershipFingerprint.Of(["cache-0", "cache-1", "cache-2"]);

        Assert.NotEqual(three, MembershipFingerprint.Of(["cache-0", "cache-1"]));
        Assert.NotEqual(three, MembershipFingerprint.Of(["cache-0", "cache-1", "cache-3"]));
        Assert.NotEqual(MembershipFingerprint.Of(["ab", "c"]), MembershipFingerprint.Of(["a", "bc"]));
    }

    [Fact]
    public void TheFingerprint_Is13HexDigits_ReadBackExactly_AndExactAsADouble()
    {
        MembershipFingerprint fingerprint = MembershipFingerprint.Of(["cache-0", "cache-1", "cache-2"]);

        string text = fingerprint.ToString();
        Assert.Matches("^[0-9a-f]{13}$", text);
        Assert.True(MembershipFingerprint.TryParse(text, out MembershipFingerprint read));
        Assert.Equal(fingerprint, read);
        Assert.True(fingerprint.Value < (1UL << 52));
        Assert.Equal(fingerprint.Value, (ulong)fingerprint.AsNumber);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("123")]
    [InlineData("zzzzzzzzzzzzz")]
    [InlineData("00000000000000")]
    public void AnythingElse_IsNotAFingerprint(string? text) =>
        Assert.False(MembershipFingerprint.TryParse(text, out _));
}
