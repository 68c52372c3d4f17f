namespace AspireCache.AspNetCore.Tests;

/// <summary>Settings that must stop a node at start: lifetimes out of range, and secrets that open too much.</summary>
public sealed class CacheNodeOptionsValidatorTests
{
    private const string PeerSecret = "peer-secret-0123456789abcdef";

    private const string AdminSecret = "admin-secret-0123456789abcdef";

    [Fact]
    public void ValidSettings_WithLifetimesAndAnAdminSecret_Pass()
    {
        CacheNodeOptions options = Options(group =>
        {
            group.TimeToLive = TimeSpan.FromMinutes(5);
            group.TimeToLiveJitter = 0.2;
            group.RefreshAhead = 0.1;
            group.StaleIfError = TimeSpan.FromMinutes(1);
        });
        options.AdminSecret = "admin-secret-0123456789abcdef";

        Assert.True(new CacheNodeOptionsValidator([]).Validate(null, options).Succeeded);
    }

    [Fact]
    public void AnAdminSecretEqualToThePeerSecret_Fails()
    {
        CacheNodeOptions options = Options(_ => { });
        options.AdminSecret = PeerSecret;

        string failure = Assert.Single(new CacheNodeOptionsValidator([]).Validate(null, options).Failures!);
        Assert.Contains("Cache:AdminSecret must differ from Cache:PeerSecret", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "Cache:KeyHashSecret must be set to a random value of at least 16 characters")]
    [InlineData("too-short", "Cache:KeyHashSecret must be set to a random value of at least 16 characters")]
    [InlineData(PeerSecret, "Cache:KeyHashSecret must differ from Cache:PeerSecret and Cache:AdminSecret")]
    [InlineData(AdminSecret, "Cache:KeyHashSecret must differ from Cache:PeerSecret and Cache:AdminSecret")]
    public void AKeyHashSecretMissingShortOrSharedWithAnotherSecret_Fails(string secret, string error)
    {
        CacheNodeOptions options = Options(_ => { });
        options.AdminSecret = AdminSecret;
        options.KeyHashSecret = secret;

        string failure = Assert.Single(new CacheNodeOptionsValidator([]).Validate(null, options).Failures!);
        Assert.Contains(error, failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TimeToLive")]
    [InlineData("TimeToLiveJitter")]
    [InlineData("RefreshAhead")]
    [InlineData("StaleIfError")]
    public void ALifetimeSettingOutOfRange_FailsNamingIt(string setting)
    {
        CacheNodeOptions options = Options(group =>
        {
            switch (setting)
            {
                case "TimeToLive": group.TimeToLive = TimeSpan.FromSeconds(-1); break;
                case "TimeToLiveJitter": group.TimeToLiveJitter = 0.6; break;
                case "RefreshAhead": group.RefreshAhead = 1; break;
                default: group.StaleIfError = TimeSpan.FromSeconds(-1); break;
            }
        });

        string failure = Assert.Single(new CacheNodeOptionsValidator([]).Validate(null, options).Failures!);
        Assert.StartsWith($"Cache:Groups:demo:{setting} is out of range", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void AGroupWithASourceInCodeAndInConfiguration_Fails()
    {
        CacheNodeOptions options = Options(_ => { });

        string failure = Assert.Single(new CacheNodeOptionsValidator([new("demo", CacheGroupSource.None)]).Validate(null, options).Failures!);
        Assert.StartsWith("Cache:Groups:demo names a source (SourceService), but the group's source is added in code", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void AGroupAddedInCodeTwice_Fails()
    {
        CacheNodeOptions options = Options(_ => { });
        options.Groups["users"] = new CacheGroupSettings();

        string failure = Assert.Single(new CacheNodeOptionsValidator([new("users", CacheGroupSource.None), new("users", CacheGroupSource.None)]).Validate(null, options).Failures!);
        Assert.StartsWith("The group 'users' is added in code (AddGroup) twice", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void AGroupWithBothSourceServiceAndNoSource_Fails()
    {
        CacheNodeOptions options = Options(group => group.NoSource = true);

        string failure = Assert.Single(new CacheNodeOptionsValidator([]).Validate(null, options).Failures!);
        Assert.Equal("Cache:Groups:demo has both SourceService and NoSource=true: a group has one source.", failure);
    }

    [Fact]
    public void AGroupWithNoSourceAndNoSourceService_Passes()
    {
        CacheNodeOptions options = Options(group => (group.SourceService, group.NoSource) = (string.Empty, true));

        Assert.True(new CacheNodeOptionsValidator([]).Validate(null, options).Succeeded);
    }

    [Fact]
    public void TheGroupOptions_CarryTheLifetimesAndTheClock()
    {
        var settings = new CacheGroupSettings { TimeToLive = TimeSpan.FromSeconds(30), TimeToLiveJitter = 0, RefreshAhead = 0.25, StaleIfError = TimeSpan.FromSeconds(9) };
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();

        CacheGroupOptions options = settings.ToGroupOptions("cache-0", clock);

        Assert.Equal((TimeSpan.FromSeconds(30), 0d, 0.25, TimeSpan.FromSeconds(9)), (options.TimeToLive, options.TimeToLiveJitter, options.RefreshAhead, options.StaleIfError));
        Assert.Same(clock, options.TimeProvider);
        Assert.Equal(0.1, new CacheGroupSettings().TimeToLiveJitter);
    }

    [Fact]
    public void DnsMembership_WithTheNodesOwnSrvTargetAndAServer_Passes()
    {
        CacheNodeOptions options = DnsOptions();

        Assert.True(new CacheNodeOptionsValidator([]).Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("Members", "Cache:Members and Cache:MembersDnsName are both set")]
    [InlineData("MembersDnsServer", "Cache:MembersDnsServer is 'dns.example'")]
    [InlineData("MembersRefreshInterval", "Cache:MembersRefreshInterval is 00:00:00.0100000")]
    [InlineData("HandOffWindow", "Cache:HandOffWindow must be zero (no hand-off) or positive")]
    public void DnsMembership_WithASettingThatCannotWork_FailsNamingIt(string setting, string expected)
    {
        CacheNodeOptions options = DnsOptions();
        switch (setting)
        {
            case "Members": options.Members = ["cache-0.cache.default.svc.cluster.local"]; break;
            case "MembersDnsServer": options.MembersDnsServer = "dns.example"; break;
            case "MembersRefreshInterval": options.MembersRefreshInterval = TimeSpan.FromMilliseconds(10); break;
            default: options.HandOffWindow = TimeSpan.FromSeconds(-1); break;
        }

        string failure = Assert.Single(new CacheNodeOptionsValidator([]).Validate(null, options).Failures!);
        Assert.StartsWith(expected, failure, StringComparison.Ordinal);
    }

    private static CacheNodeOptions DnsOptions()
    {
        CacheNodeOptions options = Options(_ => { });
        options.Members = [];
        options.NodeName = "cache-0.cache.default.svc.cluster.local";
        options.MembersDnsName = "_http._tcp.cache.default.svc.cluster.local";
        options.MembersDnsServer = "127.0.0.1:5353";
        return options;
    }

    private static CacheNodeOptions Options(Action<CacheGroupSettings> group)
    {
        var settings = new CacheGroupSettings { SourceService = "demobackend" };
        group(settings);
        return new CacheNodeOptions
        {
            NodeName = "cache-0",
            Members = ["cache-0"],
            PeerSecret = PeerSecret,
            KeyHashSecret = "validator-tests-key-hash-secret",
            Groups = new(StringComparer.Ordinal) { ["demo"] = settings },
        };
    }
}
