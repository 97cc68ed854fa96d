using System.Text;
using Realtime.Protocol.Delta;

namespace Realtime.EndToEnd.Tests.ClientSdk;

/// <summary>The gateway's fossil deltas applied by the npm <c>fossil-delta</c> package, byte for byte.</summary>
public sealed class FossilDeltaInteropTests
{
    [Fact]
    public async Task The_fossil_delta_package_turns_each_source_into_its_target()
    {
        var random = new Random(7);
        var pairs = new List<(byte[] Source, byte[] Target)>
        {
            ([], Encoding.UTF8.GetBytes("""{"n":1}""")),
            (Encoding.UTF8.GetBytes("""{"text":"ünïcödé — 中文 😀","n":1}"""), Encoding.UTF8.GetBytes("""{"text":"ünïcödé — 中文 😃","n":2}""")),
        };
        for (var i = 0; i < 40; i++)
        {
            var source = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, random.Next(1, 200)).Select(n => $"{{\"k{n}\":\"v{random.Next(1000)} é\"}},")));
            var target = (byte[])source.Clone();
            for (var edit = 0; edit < 5 && target.Length > 0; edit++)
            {
                target[random.Next(target.Length)] = (byte)random.Next('a', 'z');
            }

            pairs.Add((source, [.. target, .. Encoding.UTF8.GetBytes($"tail {i}")]));
        }

        var cases = pairs.Select(p => new { source = Convert.ToBase64String(p.Source), delta = Convert.ToBase64String(FossilDelta.Create(p.Source, p.Target)) }).ToArray();
        var result = await CentrifugeSdk.RunAsync("fossil_apply", new Uri("ws://127.0.0.1:9/unused"), new { cases });

        var targets = result["targets"]!.AsArray();
        Assert.Equal(pairs.Count, targets.Count);
        for (var i = 0; i < pairs.Count; i++)
        {
            Assert.Null(targets[i]!["error"]);
            Assert.Equal(pairs[i].Target, Convert.FromBase64String(targets[i]!["target"]!.GetValue<string>()));
        }
    }
}
