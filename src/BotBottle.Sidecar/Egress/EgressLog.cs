using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Channels;
using BotBottle.Policy;

namespace BotBottle.Sidecar.Egress;

/// <summary>One request's outcome, as logged.</summary>
internal sealed record EgressLogEntry
{
    public required string Decision { get; init; }

    public required string Method { get; init; }

    public required string Scheme { get; init; }

    public required string Host { get; init; }

    public int Port { get; init; }

    /// <summary>Path without the query (queries often carry tokens); already redacted when DLP found something in it.</summary>
    public required string Path { get; init; }

    public bool HasQuery { get; init; }

    public int Status { get; init; }

    public IReadOnlyList<(string Detector, string Rule, string Location, string Message)> Reasons { get; init; } = [];

    public long RequestBytes { get; init; }

    public long ResponseBytes { get; init; }

    public double Milliseconds { get; init; }

    public string? Client { get; init; }
}

/// <summary>
/// JSON-lines log of the egress proxy (one object per line), written by a single background writer so requests
/// never wait on I/O. What is logged follows the policy's <c>egress.log</c> level: 0 nothing, 1 refusals (and
/// proxy events), 2 every request. Header values, query strings and bodies are never logged, so secrets cannot be.
/// </summary>
internal sealed class EgressLog : IAsyncDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly Channel<string> _channel = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly Task _writer;

    public EgressLog(TextWriter output)
    {
        _writer = Task.Run(async () =>
        {
            await foreach (var line in _channel.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                await output.WriteLineAsync(line).ConfigureAwait(false);
                if (_channel.Reader.Count == 0)
                {
                    await output.FlushAsync().ConfigureAwait(false);
                }
            }

            await output.FlushAsync().ConfigureAwait(false);
        });
    }

    /// <summary>Current level; updated from the live policy.</summary>
    public EgressLogLevel Level { get; set; } = EgressLogLevel.Blocked;

    /// <summary>A proxy lifecycle event (start, reload, errors). Logged unless the level is <see cref="EgressLogLevel.Off"/>.</summary>
    public void Event(string name, string message)
    {
        if (Level == EgressLogLevel.Off)
        {
            return;
        }

        Write(w =>
        {
            w.WriteString("event", name);
            w.WriteString("message", message);
        });
    }

    public void Request(EgressLogEntry e)
    {
        if (Level == EgressLogLevel.Off || (Level == EgressLogLevel.Blocked && e.Decision == "allow"))
        {
            return;
        }

        Write(w =>
        {
            w.WriteString("event", "request");
            w.WriteString("decision", e.Decision);
            w.WriteString("method", e.Method);
            w.WriteString("scheme", e.Scheme);
            w.WriteString("host", e.Host);
            w.WriteNumber("port", e.Port);
            w.WriteString("path", e.Path);
            w.WriteBoolean("query", e.HasQuery);
            w.WriteNumber("status", e.Status);
            if (e.Reasons.Count > 0)
            {
                w.WriteStartArray("reasons");
                foreach (var (detector, rule, location, message) in e.Reasons)
                {
                    w.WriteStartObject();
                    w.WriteString("detector", detector);
                    w.WriteString("rule", rule);
                    w.WriteString("location", location);
                    w.WriteString("message", message);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WriteNumber("requestBytes", e.RequestBytes);
            w.WriteNumber("responseBytes", e.ResponseBytes);
            w.WriteNumber("ms", Math.Round(e.Milliseconds, 2));
            if (e.Client is not null)
            {
                w.WriteString("client", e.Client);
            }
        });
    }

    private void Write(Action<Utf8JsonWriter> body)
    {
        using var ms = new MemoryStream(256);
        using (var w = new Utf8JsonWriter(ms, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("ts", DateTimeOffset.UtcNow);
            body(w);
            w.WriteEndObject();
        }

        _channel.Writer.TryWrite(Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length));
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }
}
