using System.Reflection;

namespace Realtime.Presence.Store;

/// <summary>The Lua scripts that keep a channel's presence consistent (entries, expiries, user counts) in one step each.</summary>
internal static class PresenceScripts
{
    public static readonly string Upsert = Load("upsert");
    public static readonly string Remove = Load("remove");
    public static readonly string Read = Load("read");

    private static string Load(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"presence.{name}.lua")
            ?? throw new InvalidOperationException($"presence script {name} is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
