using System.Globalization;
using System.Text;

namespace Realtime.Bench.Reporting;

/// <summary>The report as a plain-text table (and as Markdown for the README).</summary>
internal static class ReportTable
{
    public static string Render(BenchReport report, bool markdown = false)
    {
        var processes = report.Scenarios.SelectMany(s => s.Processes.Select(p => p.Name)).Distinct().ToList();
        var header = new List<string> { "scenario", "asked/s", "acked/s", "deliveries/s", "p50 ms", "p95", "p99", "p99.9", "max", "lost", "dup", "ooo", "other" };
        header.AddRange(processes.Select(p => $"{p} CPU%"));
        var rows = new List<List<string>> { header };
        foreach (var s in report.Scenarios)
        {
            var row = new List<string>
            {
                s.Label,
                Number(s.AskedRate),
                Number(s.AckedRate),
                Number(s.DeliveriesPerSecond),
                Ms(s.Latency.P50),
                Ms(s.Latency.P95),
                Ms(s.Latency.P99),
                Ms(s.Latency.P999),
                Ms(s.Latency.Max),
                s.Deliveries.Lost.ToString(CultureInfo.InvariantCulture),
                s.Deliveries.Duplicated.ToString(CultureInfo.InvariantCulture),
                s.Deliveries.OutOfOrder.ToString(CultureInfo.InvariantCulture),
                Other(s),
            };
            row.AddRange(processes.Select(name => s.Processes.FirstOrDefault(p => p.Name == name) is { } p ? p.CpuPercent.ToString("F0", CultureInfo.InvariantCulture) : ""));
            rows.Add(row);
        }

        var text = markdown ? Markdown(rows) : Aligned(rows);
        var notes = report.Scenarios.Where(s => s.Notes.Count > 0).Select(s => $"{s.Label}: {string.Join("; ", s.Notes)}").ToList();
        return notes.Count == 0 ? text : text + Environment.NewLine + string.Join(Environment.NewLine, notes.Select(n => "note — " + n)) + Environment.NewLine;
    }

    private static string Other(ScenarioResult s) => s.Scenario switch
    {
        "idle" when s.Measures.TryGetValue("rss_per_connection_kib", out var kib) => $"{kib:F1} KiB/conn",
        "storm" => $"all back in {s.Measures.GetValueOrDefault("all_back_seconds"):F1} s, {s.Measures.GetValueOrDefault("not_recovered"):F0} unrecovered",
        _ => s.Deliveries.Failed > 0 ? $"{s.Deliveries.Failed} refused" : "",
    };

    private static string Number(double value) => value == 0 ? "" : value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Ms(double value) => value == 0 ? "" : value.ToString(value < 10 ? "F1" : "F0", CultureInfo.InvariantCulture);

    private static string Aligned(List<List<string>> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Count).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.AppendLine(string.Join("  ", row.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
        }

        return text.ToString();
    }

    private static string Markdown(List<List<string>> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| " + string.Join(" | ", rows[0]) + " |");
        text.AppendLine("|" + string.Join("|", rows[0].Select((_, c) => c == 0 ? "---" : "---:")) + "|");
        foreach (var row in rows.Skip(1))
        {
            text.AppendLine("| " + string.Join(" | ", row) + " |");
        }

        return text.ToString();
    }
}
