using System.Text;
using System.Text.Json;
using Realtime.Bench.Clients;

namespace Realtime.Bench.Tests.Clients;

public sealed class BenchPayloadTests
{
    [Theory]
    [InlineData(128)]
    [InlineData(1024)]
    [InlineData(4096)]
    public void Write_fills_exactly_the_requested_size(int size)
    {
        // A larger buffer, so writing past the size would show as non-zero bytes after it.
        var buffer = new byte[size + 16];

        var length = BenchPayload.Write(buffer, size, sender: 12, sequence: 34_567, timestamp: 987_654_321_012);

        Assert.Equal(size, length);
        Assert.All(buffer[size..], b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData(128)]
    [InlineData(1024)]
    [InlineData(4096)]
    public void Write_produces_json_carrying_sender_sequence_and_timestamp(int size)
    {
        var buffer = new byte[size];
        var length = BenchPayload.Write(buffer, size, sender: 7, sequence: 42, timestamp: 123_456_789);

        using var json = JsonDocument.Parse(buffer.AsMemory(0, length));
        var data = json.RootElement;
        Assert.Equal(7, data.GetProperty("s").GetInt32());
        Assert.Equal(42, data.GetProperty("n").GetInt64());
        Assert.Equal(123_456_789, data.GetProperty("t").GetInt64());
        Assert.Matches("^x+$", data.GetProperty("p").GetString());
    }

    [Fact]
    public void ToText_is_what_Write_writes()
    {
        var buffer = new byte[128];
        var length = BenchPayload.Write(buffer, 128, 1, 2, 3);

        Assert.Equal(Encoding.UTF8.GetString(buffer, 0, length), BenchPayload.ToText(128, 1, 2, 3));
    }

    [Fact]
    public void Sizes_below_the_minimum_are_refused()
    {
        var buffer = new byte[BenchPayload.MinimumSize];

        Assert.Throws<ArgumentOutOfRangeException>(() => BenchPayload.Write(buffer, BenchPayload.MinimumSize - 1, 1, 2, 3));
    }

    [Fact]
    public void The_minimum_size_holds_the_longest_sender_sequence_and_timestamp()
    {
        var buffer = new byte[BenchPayload.MinimumSize];

        var length = BenchPayload.Write(buffer, BenchPayload.MinimumSize, int.MinValue, long.MaxValue, long.MinValue);

        Assert.Equal(BenchPayload.MinimumSize, length);
        Assert.Equal(long.MinValue, JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.GetProperty("t").GetInt64());
    }
}
