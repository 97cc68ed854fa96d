using System.Text.Json.Serialization;
using Realtime.Bench.Reporting;

namespace Realtime.Bench.Clients;

/// <summary>The source-generated JSON of the bench: channel names in commands, and the report.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(BenchReport))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
