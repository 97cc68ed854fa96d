using Microsoft.Extensions.Options;

namespace Realtime.Channels.Tests;

public sealed class ChannelNamespacesTests
{
    private static ChannelNamespaces Create(ChannelsOptions options) => new(Options.Create(options));

    [Fact]
    public void Channel_without_namespace_uses_the_default_options()
    {
        var options = new ChannelsOptions { Default = new ChannelOptions { HistorySize = 10, HistoryTtl = TimeSpan.FromMinutes(1) } };
        Assert.Same(options.Default, Create(options).Resolve("news"));
    }

    [Fact]
    public void Channel_in_a_configured_namespace_uses_its_options()
    {
        var chat = new ChannelOptions { Presence = true };
        var namespaces = Create(new ChannelsOptions { Namespaces = { ["chat"] = chat } });
        Assert.Same(chat, namespaces.Resolve("chat:room1"));
        Assert.Same(chat, namespaces.Resolve("chat:a:b"));
    }

    [Fact]
    public void A_private_channel_is_in_the_namespace_after_its_prefix()
    {
        var chat = new ChannelOptions { Presence = true };
        var options = new ChannelsOptions { Namespaces = { ["chat"] = chat } };
        var namespaces = Create(options);
        Assert.Same(chat, namespaces.Resolve("$chat:secret"));
        Assert.Same(options.Default, namespaces.Resolve("$news"));
        Assert.True(namespaces.IsPrivate("$chat:secret"));
        Assert.False(namespaces.IsPrivate("chat:$secret"));
        Assert.False(Create(new ChannelsOptions { PrivatePrefix = "" }).IsPrivate("$chat:secret"));
    }

    [Fact]
    public void Channel_in_an_unknown_namespace_resolves_to_nothing()
    {
        Assert.Null(Create(new ChannelsOptions()).Resolve("secret:room"));
    }

    [Theory]
    [InlineData("news", true)]
    [InlineData("chat:room#42,43", true)]
    [InlineData("", false)]
    [InlineData("bad\u0001name", false)]
    [InlineData("line\nbreak", false)]
    public void Channel_names_are_checked(string channel, bool valid)
    {
        Assert.Equal(valid, Create(new ChannelsOptions()).IsValidName(channel));
    }

    [Fact]
    public void Overlong_names_are_rejected()
    {
        var namespaces = Create(new ChannelsOptions { MaxChannelLength = 8 });
        Assert.True(namespaces.IsValidName("12345678"));
        Assert.False(namespaces.IsValidName("123456789"));
        Assert.False(namespaces.IsValidName("ééééé")); // 10 bytes of UTF-8
    }

    [Fact]
    public void Default_options_deny_everything()
    {
        var options = new ChannelOptions();
        Assert.False(options.AllowSubscribeForClient);
        Assert.False(options.AllowPublishForClient);
        Assert.False(options.AllowPublishForSubscriber);
        Assert.False(options.AllowPresenceForSubscriber);
        Assert.False(options.AllowHistoryForSubscriber);
        Assert.False(options.HistoryEnabled);
    }

    [Theory]
    [InlineData(10, 0, false)]
    [InlineData(0, 60, false)]
    [InlineData(10, 60, true)]
    [InlineData(-1, 60, false)]
    public void History_size_and_ttl_come_together(int size, int ttlSeconds, bool valid)
    {
        var options = new ChannelsOptions { Namespaces = { ["ns"] = new ChannelOptions { HistorySize = size, HistoryTtl = TimeSpan.FromSeconds(ttlSeconds) } } };
        Assert.Equal(valid, ChannelsOptionsValidation.IsValid(options));
    }

    [Fact]
    public void Recovery_and_positioning_need_history()
    {
        Assert.False(ChannelsOptionsValidation.IsValid(new ChannelsOptions { Default = new ChannelOptions { ForceRecovery = true } }));
        Assert.False(ChannelsOptionsValidation.IsValid(new ChannelsOptions { Default = new ChannelOptions { ForcePositioning = true } }));
        Assert.True(ChannelsOptionsValidation.IsValid(new ChannelsOptions
        {
            Default = new ChannelOptions { ForceRecovery = true, ForcePositioning = true, HistorySize = 5, HistoryTtl = TimeSpan.FromSeconds(5) },
        }));
    }

    [Theory]
    [InlineData("chat", true)]
    [InlineData("live-comments_2.v1", true)]
    [InlineData("", false)]
    [InlineData("with space", false)]
    [InlineData("colon:inside", false)]
    public void Namespace_names_are_checked(string name, bool valid)
    {
        Assert.Equal(valid, ChannelsOptionsValidation.IsValid(new ChannelsOptions { Namespaces = { [name] = new ChannelOptions() } }));
    }
}
