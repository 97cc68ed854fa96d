using System.Text;
using Microsoft.Extensions.Options;

namespace Realtime.Channels;

/// <summary>Finds the options of a channel's namespace and checks channel names.</summary>
public sealed class ChannelNamespaces(IOptions<ChannelsOptions> options)
{
    private readonly ChannelsOptions _options = options.Value;

    public ChannelsOptions Settings => _options;

    /// <summary>The options of the channel's namespace, or null when the namespace is not configured.</summary>
    public ChannelOptions? Resolve(string channel)
    {
        var boundary = channel.IndexOf(_options.NamespaceBoundary, StringComparison.Ordinal);
        if (boundary < 0)
        {
            return _options.Default;
        }

        return _options.Namespaces.GetValueOrDefault(channel[..boundary]);
    }

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
