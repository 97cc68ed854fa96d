using System.Text;
using Realtime.Protocol.Delta;

namespace Realtime.Protocol.Tests.Delta;

public sealed class FossilDeltaTests
{
    public static TheoryData<string, string> Pairs => new()
    {
        { "", "" },
        { "", """{"n":1}""" },
        { """{"n":1}""", "" },
        { "short", "shorter than a block" },
        { Repeat("""{"user":"ann","text":"hello there, how are you?","n":1}"""), Repeat("""{"user":"ann","text":"hello there, how are you?","n":2}""") },
        { Repeat("""{"text":"ünïcödé — 中文 — emoji 😀","n":1}"""), Repeat("""{"text":"ünïcödé — 中文 — emoji 😃","n":12}""") },
        { Repeat("abcdefghijklmnopqrstuvwxyz0123456789"), Repeat("0123456789abcdefghijklmnopqrstuvwxyz") },
        { Repeat("same same same"), Repeat("same same same") },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Applying_the_delta_to_the_source_gives_the_target_byte_for_byte(string source, string target)
    {
        var delta = FossilDelta.Create(Encoding.UTF8.GetBytes(source), Encoding.UTF8.GetBytes(target));
        Assert.Equal(Encoding.UTF8.GetBytes(target), Apply(Encoding.UTF8.GetBytes(source), delta));
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void A_delta_between_texts_is_itself_valid_utf8_so_it_survives_a_json_string(string source, string target)
    {
        var delta = FossilDelta.Create(Encoding.UTF8.GetBytes(source), Encoding.UTF8.GetBytes(target));
        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        Assert.Equal(delta, strict.GetBytes(strict.GetString(delta)));
    }

    [Fact]
    public void Similar_payloads_give_a_delta_far_smaller_than_the_payload()
    {
        var source = Encoding.UTF8.GetBytes(Repeat("""{"price":101.25,"symbol":"ACME","volume":1200}"""));
        var target = Encoding.UTF8.GetBytes(Repeat("""{"price":101.25,"symbol":"ACME","volume":1200}""").Replace("1200}]", "1300}]"));
        Assert.True(FossilDelta.Create(source, target).Length < target.Length / 10);
    }

    [Fact]
    public void Random_edits_of_random_payloads_round_trip()
    {
        var random = new Random(12345);
        for (var round = 0; round < 300; round++)
        {
            var source = new byte[random.Next(0, 3000)];
            random.NextBytes(source);
            var target = source.ToList();
            for (var edit = random.Next(0, 8); edit > 0 && target.Count > 0; edit--)
            {
                var at = random.Next(target.Count);
                switch (random.Next(3))
                {
                    case 0: target.RemoveRange(at, Math.Min(random.Next(1, 50), target.Count - at)); break;
                    case 1: target.InsertRange(at, Enumerable.Range(0, random.Next(1, 50)).Select(_ => (byte)random.Next(256))); break;
                    default: target[at] = (byte)random.Next(256); break;
                }
            }

            var delta = FossilDelta.Create(source, [.. target]);
            Assert.Equal([.. target], Apply(source, delta));
        }
    }

    [Fact]
    public void The_checksum_sums_big_endian_words_with_the_tail_padded_on_the_right()
    {
        Assert.Equal(0u, FossilDelta.Checksum([]));
        Assert.Equal(0x01020304u + 0x05000000u, FossilDelta.Checksum([1, 2, 3, 4, 5]));
        Assert.Equal(1u, FossilDelta.Checksum([0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 2])); // 0xFFFFFFFF + 2 wraps to 1
    }

    private static string Repeat(string json) => "[" + string.Join(",", Enumerable.Repeat(json, 20)) + "]";

    /// <summary>A decoder written from the format description, independent of the encoder.</summary>
    private static byte[] Apply(byte[] source, byte[] delta)
    {
        var position = 0;
        var size = ReadNumber(delta, ref position);
        Assert.Equal((byte)'\n', delta[position++]);
        var output = new List<byte>();
        while (true)
        {
            var number = ReadNumber(delta, ref position);
            switch ((char)delta[position++])
            {
                case '@':
                    var offset = ReadNumber(delta, ref position);
                    Assert.Equal((byte)',', delta[position++]);
                    output.AddRange(source.AsSpan((int)offset, (int)number).ToArray());
                    break;
                case ':':
                    output.AddRange(delta.AsSpan(position, (int)number).ToArray());
                    position += (int)number;
                    break;
                case ';':
                    Assert.Equal(delta.Length, position);
                    Assert.Equal(size, (uint)output.Count);
                    Assert.Equal(number, FossilDelta.Checksum([.. output]));
                    return [.. output];
                default:
                    throw new Xunit.Sdk.XunitException($"unknown operator at {position - 1}");
            }
        }
    }

    private static uint ReadNumber(byte[] delta, ref int position)
    {
        const string digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~";
        uint value = 0;
        int digit;
        while (position < delta.Length && (digit = digits.IndexOf((char)delta[position])) >= 0)
        {
            value = (value << 6) + (uint)digit;
            position++;
        }

        return value;
    }
}
