namespace Realtime.Guarantees.Tests;

/// <summary>The publication-log transports that can run on this machine.</summary>
public enum LogTransportKind
{
    RedisStreams,
    Kafka,
}
