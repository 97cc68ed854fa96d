using System.Text;
using CsCheck;
using Realtime.Protocol.Commands;

namespace Realtime.Protocol.Tests.Fuzzing;

/// <summary>
/// Generated and mutated frames through the command decoder: each decodes or is refused as
/// malformed — no other exception escapes, and memory stays bounded. The suite runs a fast
/// slice; <c>./eng/fuzz.sh</c> runs a million frames or more (REALTIME_FUZZ_FRAMES).
/// </summary>
public sealed class CommandDecoderFuzzTests
{
    private static readonly int Frames = int.TryParse(Environment.GetEnvironmentVariable("REALTIME_FUZZ_FRAMES"), out var n) ? n : 40_000;

    private static readonly string[] Seeds =
    [
        """{"id":1,"connect":{"token":"t","data":{"a":1},"name":"js","version":"5","subs":{"c":{"recover":true,"offset":3,"epoch":"e"}}}}""",
        """{"id":2,"subscribe":{"channel":"chat:room","recover":true,"offset":18446744073709551615,"epoch":"ep","positioned":true,"recoverable":true,"join_leave":true,"delta":"fossil","flag":2}}""",
        """{"id":3,"publish":{"channel":"chat:room","data":{"text":"hi \u00e9 \ud83d\ude00","n":[1,2,{"x":null}]}}}""",
        """{"id":4,"history":{"channel":"c","limit":10,"since":{"offset":3,"epoch":"ep"},"reverse":true}}""",
        """{"id":5,"rpc":{"method":"m","data":"s"}}""" + "\n" + """{"id":6,"presence":{"channel":"c"}}""",
        """{"id":7,"refresh":{"token":"x"}}""" + "\n\n" + """{"send":{"data":[true,false]}}""",
        """{"id":8,"sub_refresh":{"channel":"c","token":"y"}}""",
        """{"id":9,"unsubscribe":{"channel":"c"}}""" + "\n" + """{}""",
    ];

    // Bytes a mutation likes to insert: JSON structure, escapes (lone surrogates among them),
    // extreme numbers, invalid UTF-8.
    private static readonly byte[][] Splices =
    [
        .. new[]
        {
            "{", "}", "[", "]", "\"", ":", ",", "\\", "\\u", "\\udc00", "\\ud800", "\\ud83d\\ude00", "\\u0000", "null", "true", "-0",
            "1e999", "-1", "4294967296", "18446744073709551616", "99999999999999999999999", "0.5", "\n", " ", "\"id\":", "\"channel\":",
            "\"data\":", "\"offset\":", "\"limit\":", "\"flag\":", "\"subscribe\":{", "\"publish\":{",
        }.Select(Encoding.UTF8.GetBytes),
        [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x00],
    ];

    [Fact]
    public void Random_bytes_decode_or_are_refused_as_malformed()
    {
        Gen.Byte.Array[0, 300].Sample(AssertDecodesOrRefuses, iter: Frames / 4);
    }

    [Fact]
    public void Mutated_valid_commands_decode_or_are_refused_as_malformed_and_memory_stays_bounded()
    {
        var mutation = Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, 2], Gen.Int[0, Splices.Length - 1], (position, kind, splice) => (position, kind, splice));
        var frames = Gen.Select(Gen.Int[0, Seeds.Length - 1], mutation.Array[1, 6], (seed, edits) => Mutate(Encoding.UTF8.GetBytes(Seeds[seed]), edits));

        var before = GC.GetTotalMemory(forceFullCollection: true);
        frames.Sample(AssertDecodesOrRefuses, iter: Frames);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.True(after - before < 32 * 1024 * 1024, $"memory grew by {(after - before) / 1024} KiB over {Frames} frames");
    }

    [Fact]
    public void A_lone_surrogate_escape_is_a_malformed_command()
    {
        Assert.Throws<MalformedCommandException>(() => CommandDecoder.DecodeOne(Encoding.UTF8.GetBytes("""{"id":1,"subscribe":{"channel":"\udc00"}}""")));
        Assert.Throws<MalformedCommandException>(() => CommandDecoder.DecodeOne(Encoding.UTF8.GetBytes("""{"id":1,"publish":{"channel":"\ud800x","data":{}}}""")));
    }

    private static void AssertDecodesOrRefuses(byte[] frame)
    {
        try
        {
            CommandDecoder.Decode(frame, []);
        }
        catch (MalformedCommandException)
        {
        }
    }

    private static byte[] Mutate(byte[] frame, (int Position, int Kind, int Splice)[] edits)
    {
        var bytes = new List<byte>(frame);
        foreach (var (position, kind, splice) in edits)
        {
            var at = bytes.Count == 0 ? 0 : position % (bytes.Count + 1);
            switch (kind)
            {
                case 0: // insert something JSON-ish or broken
                    bytes.InsertRange(at, Splices[splice]);
                    break;
                case 1: // cut a piece out
                    bytes.RemoveRange(at, Math.Min(1 + splice, bytes.Count - at));
                    break;
                default: // flip a byte
                    if (at < bytes.Count)
                    {
                        bytes[at] = (byte)(bytes[at] ^ (1 << (splice % 8)));
                    }

                    break;
            }
        }

        return [.. bytes];
    }
}
