namespace Realtime.Channels;

internal static class ChannelsOptionsValidation
{
    public const string Rules =
        "Channels: namespace names are 1-64 letters, digits, '-', '_' or '.'; HistorySize and HistoryTtl are both set or both unset and not negative; " +
        "ForceRecovery, RecoverFromStorage and ForcePositioning need history; AllowedDeltaTypes holds only \"fossil\"; MaxChannelLength is 1-1024.";

    public static bool IsValid(ChannelsOptions options)
    {
        if (options.MaxChannelLength is < 1 or > 1024)
        {
            return false;
        }

        if (!IsValid(options.Default))
        {
            return false;
        }

        foreach (var (name, channel) in options.Namespaces)
        {
            if (!IsValidNamespaceName(name) || !IsValid(channel))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsValid(ChannelOptions channel) =>
        channel.HistorySize >= 0
        && channel.HistoryTtl >= TimeSpan.Zero
        && (channel.HistorySize > 0) == (channel.HistoryTtl > TimeSpan.Zero)
        && (!channel.ForceRecovery || channel.HistoryEnabled)
        && (!channel.RecoverFromStorage || channel.HistoryEnabled)
        && channel.AllowedDeltaTypes.TrueForAll(type => type == "fossil")
        && (!channel.ForcePositioning || channel.HistoryEnabled);

    private static bool IsValidNamespaceName(string name)
    {
        if (name.Length is 0 or > 64)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
