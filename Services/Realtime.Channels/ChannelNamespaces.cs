using System.Text;
using Microsoft.Extensions.Options;

namespace Realtime.Channels;

/// <summary>Finds the options of a channel's namespace and checks channel names.</summary>
public sealed class ChannelNamespaces(IOptions<ChannelsOptions> options)
{
    private readonly ChannelsOptions _options = options.Value;

    public ChannelsOptions Settings => _options;

    /// <summary>
    /// The options of the channel's namespace, or null when the namespace is not configured. The
    /// private prefix is not part of the namespace (<c>$chat:secret</c> is in <c>chat</c>).
    /// </summary>
    public ChannelOptions? Resolve(string channel)
    {
        var name = IsPrivate(channel) ? channel.AsSpan(_options.PrivatePrefix.Length) : channel.AsSpan();
        var boundary = name.IndexOf(_options.NamespaceBoundary);
        if (boundary < 0)
        {
            return _options.Default;
        }

        // Looked up by span: resolving runs for every publish and subscribe, and needs no substring.
        if (_options.Namespaces.TryGetAlternateLookup<ReadOnlySpan<char>>(out var byName))
        {
            return byName.TryGetValue(name[..boundary], out var found) ? found : null;
        }

        return _options.Namespaces.GetValueOrDefault(name[..boundary].ToString());
    }

    /// <summary>Whether subscribing to the channel needs a subscription token, whatever else allows it.</summary>
    public bool IsPrivate(string channel) =>
        _options.PrivatePrefix.Length > 0 && channel.StartsWith(_options.PrivatePrefix, StringComparison.Ordinal);

    /// <summary>Whether the name is acceptable at all: not empty, not too long, no control characters.</summary>
    public bool IsValidName(string channel)
    {
        if (channel.Length == 0 || Encoding.UTF8.GetByteCount(channel) > _options.MaxChannelLength)
        {
            return false;
        }

        foreach (var c in channel)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }
}
