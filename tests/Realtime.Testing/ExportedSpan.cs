namespace Realtime.Testing;

/// <summary>One exported span, with what the trace-shape tests read.</summary>
public sealed record ExportedSpan(
    string Service,
    string Scope,
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    ExportedSpanKind Kind,
    IReadOnlyList<(string TraceId, string SpanId)> Links,
    IReadOnlyDictionary<string, string> Attributes)
{
    public bool IsRoot => ParentSpanId.Length == 0;

    public override string ToString() => $"{Service}/{Scope} {Kind} '{Name}' trace {TraceId} span {SpanId} parent {(IsRoot ? "-" : ParentSpanId)}";
}

/// <summary>OTLP's SpanKind values.</summary>
public enum ExportedSpanKind
{
    Unspecified = 0,
    Internal = 1,
    Server = 2,
    Client = 3,
    Producer = 4,
    Consumer = 5,
}
