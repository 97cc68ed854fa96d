using System.Globalization;
using Realtime.Bench.Measurement;
using Realtime.Bench.Scenarios;

namespace Realtime.Bench;

/// <summary>The bench's command line: <c>realtime-bench [matrix|im|fanout|idle|storm] [--option value]…</c>.</summary>
internal sealed record BenchCommandLine
{
    public const string Usage = """
        realtime-bench [matrix|im|fanout|idle|storm|serve] [options]

          matrix (default)    the standard matrix: IM 128 B at 2,000 and 9,000/s, 1 KB at 8,000/s, 4 KB at 6,000/s,
                              fanout 10×500 at 75,000 deliveries/s, 19,000 idle connections, a 10,000-client storm
          im                  --clients 1000 --rate 2000 --size 128
          fanout              --channels 10 --subscribers 500 --publishers 10 --rate 150 (publications/s) --size 128
          idle                --clients 19000 [--ping-wait 40]
          serve               start the system and keep it up (for a profiler, or a bench run with --target) until Ctrl+C
          storm               --clients 10000 --channels 100 --publishers 20 --rate 200 [--storm-mode kill|close]

        common options
          --warmup 10 --duration 30   seconds (not measured / measured)
          --quick                     matrix with 3 s warm-up and 10 s windows
          --gateways 2                gateway processes of the system the bench starts
          --set Key=Value             configuration for every service of that system (environment form, e.g. Messaging__BatchSize=512);
                              --set fanout:Key=Value for one service (presence, history, fanout, gateway)
          --target ws://…             drive a running system instead (repeat per gateway); --secret HS256 key; --watch name=pid
          --sources 8                 loopback source addresses (127.0.0.1…N) the client sockets bind to
          --out file.json             where the JSON report goes (default: bench/results/<time>.json)
          --markdown                  print the table as Markdown as well
        """;

    public string Command { get; init; } = "matrix";

    public ScenarioSettings Settings { get; init; } = new();

    public bool Quick { get; init; }

    public int Gateways { get; init; } = 2;

    public Dictionary<string, string> ServiceSettings { get; init; } = [];

    public List<Uri> Targets { get; init; } = [];

    public string? Secret { get; init; }

    public List<WatchedProcess> Watch { get; init; } = [];

    public int Sources { get; init; } = 8;

    public string? Output { get; init; }

    public bool Markdown { get; init; }

    public TimeSpan PingWait { get; init; } = TimeSpan.FromSeconds(40);

    public static BenchCommandLine Parse(string[] args)
    {
        var line = new BenchCommandLine();
        var settings = new ScenarioSettings();
        var i = 0;
        if (args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal))
        {
            line = line with { Command = args[0] };
            i = 1;
        }

        for (; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
            TimeSpan Seconds() => TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture));
            switch (name)
            {
                case "--clients": settings = settings with { Clients = Int() }; break;
                case "--rate": settings = settings with { Rate = double.Parse(Value(), CultureInfo.InvariantCulture) }; break;
                case "--size": settings = settings with { Size = Int() }; break;
                case "--channels": settings = settings with { Channels = Int() }; break;
                case "--subscribers": settings = settings with { Subscribers = Int() }; break;
                case "--publishers": settings = settings with { Publishers = Int() }; break;
                case "--warmup": settings = settings with { Warmup = Seconds() }; break;
                case "--duration": settings = settings with { Duration = Seconds() }; break;
                case "--storm-mode": settings = settings with { StormMode = Value() }; break;
                case "--ping-wait": line = line with { PingWait = Seconds() }; break;
                case "--quick": line = line with { Quick = true }; break;
                case "--gateways": line = line with { Gateways = Int() }; break;
                case "--set":
                    var setting = Value().Split('=', 2);
                    line.ServiceSettings[setting[0]] = setting.Length > 1 ? setting[1] : "";
                    break;
                case "--target": line.Targets.Add(new Uri(Value())); break;
                case "--secret": line = line with { Secret = Value() }; break;
                case "--watch":
                    var watch = Value().Split('=', 2);
                    line.Watch.Add(new WatchedProcess(watch[0], int.Parse(watch[1], CultureInfo.InvariantCulture), WithChildren: watch[0] == "postgres"));
                    break;
                case "--sources": line = line with { Sources = Int() }; break;
                case "--out": line = line with { Output = Value() }; break;
                case "--markdown": line = line with { Markdown = true }; break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }

        if (settings.Size < Clients.BenchPayload.MinimumSize)
        {
            throw new ArgumentException($"--size must be at least {Clients.BenchPayload.MinimumSize}");
        }

        return line with { Settings = settings };
    }
}
