using Realtime.Delivery;
using Realtime.Redis;

namespace Realtime.Messaging.Tests;

/// <summary>
/// No two different channels or idempotency keys share a Redis key, and every key of a channel
/// keeps one non-empty hash tag (its Redis Cluster slot), whatever characters the names carry.
/// </summary>
public sealed class RedisKeyLayoutTests
{
    private static string[] KeysOf(string channel, string publicationId) =>
        [ChannelKeys.Meta(channel).ToString(), ChannelKeys.History(channel).ToString(), ChannelKeys.Published(channel, publicationId).ToString(), ChannelKeys.DeliveryName(channel)];

    [Fact]
    public void An_idempotency_key_cannot_alias_another_channels_meta_or_history()
    {
        // Unescaped, channel "x" with id "{y}:meta" gave rt:{x}:pub:{y}:meta — channel "x}:pub:{y"'s meta key.
        Assert.NotEqual(ChannelKeys.Meta("x}:pub:{y").ToString(), ChannelKeys.Published("x", "{y}:meta").ToString());
        Assert.NotEqual(ChannelKeys.History("a}:pub:{b").ToString(), ChannelKeys.Published("a", "{b}:history").ToString());
    }

    public static TheoryData<string, string> Pairs => new()
    {
        { "a", "a}" },
        { "a%7D", "a}" },
        { "a%", "a%25" },
        { "}x", "%7Dx" },
        { "{a}", "%7Ba%7D" },
        { "news", "news:meta" },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Different_channels_never_share_a_key(string one, string other)
    {
        var keys = KeysOf(one, "id").Concat(KeysOf(other, "id")).ToList();
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("news")]
    [InlineData("}starts-with-a-brace")]
    [InlineData("{")]
    [InlineData("a{b}c")]
    [InlineData("chat:room%20")]
    public void Every_key_of_a_channel_has_the_same_non_empty_hash_tag(string channel)
    {
        var tags = KeysOf(channel, "}:meta{").Select(HashTag).Distinct().ToList();
        var tag = Assert.Single(tags);
        Assert.False(string.IsNullOrEmpty(tag));
        Assert.Equal(channel, RedisKeyPart.Unescape(tag));
    }

    [Fact]
    public void Ordinary_names_keep_the_keys_they_always_had()
    {
        Assert.Equal("rt:{chat:room-1}:meta", ChannelKeys.Meta("chat:room-1").ToString());
        Assert.Equal("rt:{chat:room-1}:pub:7f3a", ChannelKeys.Published("chat:room-1", "7f3a").ToString());
    }

    [Theory]
    [InlineData("news")]
    [InlineData("a}b{c%d")]
    public void The_channel_of_a_delivery_name_is_recovered(string channel) =>
        Assert.Equal(channel, ChannelKeys.ChannelOfDelivery(ChannelKeys.DeliveryName(channel)));

    /// <summary>Redis Cluster's rule: the text between the first '{' and the next '}', when not empty.</summary>
    private static string HashTag(string key)
    {
        var open = key.IndexOf('{', StringComparison.Ordinal);
        var close = open < 0 ? -1 : key.IndexOf('}', open + 1);
        return open >= 0 && close > open + 1 ? key[(open + 1)..close] : "";
    }
}
