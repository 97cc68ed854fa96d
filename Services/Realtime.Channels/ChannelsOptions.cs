namespace Realtime.Channels;

/// <summary>
/// The <c>Channels</c> configuration section: options for channels without a namespace
/// (<see cref="Default"/>) and per named namespace (<c>chat:room1</c> is in namespace <c>chat</c>).
/// </summary>
public sealed class ChannelsOptions
{
    public const string SectionName = "Channels";

    public ChannelOptions Default { get; set; } = new();

    public Dictionary<string, ChannelOptions> Namespaces { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Separates the namespace from the rest of a channel name.</summary>
    public char NamespaceBoundary { get; set; } = ':';

    /// <summary>Starts the user list of a user-limited channel (<c>dialog#42,43</c>).</summary>
    public char UserBoundary { get; set; } = '#';

    /// <summary>Separates the users of a user-limited channel.</summary>
    public char UserSeparator { get; set; } = ',';

    /// <summary>
    /// Marks a private channel (<c>$chat:secret</c>): subscribing needs a subscription token,
    /// whatever the namespace, insecure mode or the subscribe proxy would allow. Empty: none.
    /// </summary>
    public string PrivatePrefix { get; set; } = "$";

    /// <summary>Longest channel name accepted, in bytes of UTF-8.</summary>
    public int MaxChannelLength { get; set; } = 255;
}
