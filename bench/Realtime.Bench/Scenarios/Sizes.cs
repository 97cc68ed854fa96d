namespace Realtime.Bench.Scenarios;

internal static class Sizes
{
    /// <summary>128 → "128 B", 1024 → "1 KB", 4096 → "4 KB".</summary>
    public static string Describe(int bytes) => bytes >= 1024 && bytes % 1024 == 0 ? $"{bytes / 1024} KB" : $"{bytes} B";
}
