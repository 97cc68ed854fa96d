using Microsoft.Extensions.Primitives;
using Realtime.Gateway.Transport;

namespace Realtime.Gateway.Tests;

public sealed class OriginPolicyTests
{
    [Theory]
    [InlineData("", true)]
    [InlineData("https://app.example.com", true)]
    [InlineData("HTTPS://APP.EXAMPLE.COM", true)]
    [InlineData("https://chat.example.org", true)]
    [InlineData("https://deep.chat.example.org", true)]
    [InlineData("https://example.org", false)]
    [InlineData("http://chat.example.org", false)]
    [InlineData("https://evil.com", false)]
    [InlineData("https://app.example.com.evil.com", false)]
    [InlineData("null", false)]
    public void Only_listed_origins_are_allowed(string origin, bool allowed)
    {
        string[] list = ["https://app.example.com", "https://*.example.org"];
        Assert.Equal(allowed, OriginPolicy.IsAllowed(origin.Length == 0 ? StringValues.Empty : new StringValues(origin), list));
    }

    [Fact]
    public void An_empty_list_allows_only_non_browser_clients()
    {
        Assert.True(OriginPolicy.IsAllowed(StringValues.Empty, []));
        Assert.False(OriginPolicy.IsAllowed("https://anything.com", []));
    }

    [Fact]
    public void A_star_allows_every_origin()
    {
        Assert.True(OriginPolicy.IsAllowed("https://anything.com", ["*"]));
    }
}
