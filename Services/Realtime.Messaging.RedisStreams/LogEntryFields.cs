using Realtime.Messaging.Log;
using StackExchange.Redis;

namespace Realtime.Messaging.RedisStreams;

/// <summary>
/// How log records sit in a stream entry. An entry holds one record or several appended together
/// (group commit): each record is <c>k</c> (its key), <c>p</c> (its payload) and its headers as
/// <c>h:{name}</c> fields, records one after another, each starting at its <c>k</c>.
/// </summary>
internal static class LogEntryFields
{
    /// <summary>The fields of one entry holding <paramref name="records"/>, in order.</summary>
    public static NameValueEntry[] Encode(IReadOnlyList<LogRecord> records)
    {
        var count = 0;
        foreach (var record in records)
        {
            count += 2 + record.Headers.Count;
        }

        var fields = new NameValueEntry[count];
        var i = 0;
        foreach (var record in records)
        {
            fields[i++] = new NameValueEntry(RedisStreamKeys.KeyField, record.Key);
            fields[i++] = new NameValueEntry(RedisStreamKeys.PayloadField, record.Payload);
            foreach (var (name, value) in record.Headers)
            {
                fields[i++] = new NameValueEntry(RedisStreamKeys.HeaderPrefix + name, value);
            }
        }

        return fields;
    }

    /// <summary>Adds the records of an entry to <paramref name="records"/>, in the order they were appended.</summary>
    public static void Decode(StreamEntry entry, List<LogRecord> records)
    {
        string? key = null;
        ReadOnlyMemory<byte> payload = default;
        Dictionary<string, string>? headers = null;
        foreach (var field in entry.Values)
        {
            var name = (string)field.Name!;
            if (name == RedisStreamKeys.KeyField)
            {
                if (key is not null)
                {
                    records.Add(new LogRecord(key, payload, headers ?? LogRecord.NoHeaders));
                    payload = default;
                    headers = null;
                }

                key = (string)field.Value!;
            }
            else if (name == RedisStreamKeys.PayloadField)
            {
                payload = (byte[])field.Value!;
            }
            else if (name.StartsWith(RedisStreamKeys.HeaderPrefix, StringComparison.Ordinal))
            {
                headers ??= new Dictionary<string, string>(StringComparer.Ordinal);
                headers[name[RedisStreamKeys.HeaderPrefix.Length..]] = (string)field.Value!;
            }
        }

        records.Add(new LogRecord(key ?? "", payload, headers ?? LogRecord.NoHeaders));
    }
}
