using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Channels;
using BotBottle.Backends;
using BotBottle.Egress;
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
/// With an audit file, every refusal and redaction is also appended there as an <see cref="EgressAuditRecord"/>
/// whatever the level (the host imports it into the audit log), up to <see cref="SidecarContract.EgressAuditFileLimit"/>.
/// </summary>
internal sealed class EgressLog : IAsyncDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly Channel<(string Line, bool Audit)> _channel = Channel.CreateBounded<(string, bool)>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly Task _writer;
    private readonly string? _auditFile;
    private readonly long _auditLimit;

    /// <summary>A log on <paramref name="output"/>; with <paramref name="auditFile"/>, refusals and redactions are also appended there, up to <paramref name="auditLimit"/> bytes.</summary>
    public EgressLog(TextWriter output, string? auditFile = null, long auditLimit = SidecarContract.EgressAuditFileLimit)
    {
        _auditFile = auditFile;
        _auditLimit = auditLimit;
        _writer = Task.Run(async () =>
        {
            FileStream? audit = null;
            var auditFull = false;
            try
            {
                await foreach (var (line, toAudit) in _channel.Reader.ReadAllAsync().ConfigureAwait(false))
                {
                    if (!toAudit)
                    {
                        await output.WriteLineAsync(line).ConfigureAwait(false);
                    }
                    else if (!auditFull)
                    {
                        (audit, auditFull) = await AppendAuditAsync(audit, line, output).ConfigureAwait(false);
                    }

                    if (_channel.Reader.Count == 0)
                    {
                        await output.FlushAsync().ConfigureAwait(false);
                    }
                }

                await output.FlushAsync().ConfigureAwait(false);
            }
            finally
            {
                if (audit is not null)
                {
                    await audit.DisposeAsync().ConfigureAwait(false);
                }
            }
        });
    }

    /// <summary>Appends one audit line (opening the file on first use); returns the stream and whether the file is now at its limit.</summary>
    private async Task<(FileStream? Stream, bool Full)> AppendAuditAsync(FileStream? audit, string line, TextWriter output)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        try
        {
            if (audit is null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(_auditFile!)!);
                audit = new FileStream(_auditFile!, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
            }

            if (audit.Length + bytes.Length > _auditLimit)
            {
                await output.WriteLineAsync(EventLine("audit-full", $"the egress audit file {_auditFile} reached its limit of {_auditLimit} bytes; further refusals are only in this log")).ConfigureAwait(false);
                return (audit, true);
            }

            // One write() of a whole line with O_APPEND: a reader never sees half a line except at the very end.
            await audit.WriteAsync(bytes).ConfigureAwait(false);
            return (audit, false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await output.WriteLineAsync(EventLine("audit-error", $"cannot append to the egress audit file {_auditFile}: {ex.Message}; further refusals are only in this log")).ConfigureAwait(false);
            return (audit, true);
        }
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

        _channel.Writer.TryWrite((EventLine(name, message), false));
    }

    /// <summary>
    /// Whether <see cref="Request"/> would record an allowed request (the level is <see cref="EgressLogLevel.All"/>):
    /// the proxy skips building the entry otherwise (allowed requests never go to the audit file).
    /// </summary>
    public bool RecordsAllowed => Level is not (EgressLogLevel.Off or EgressLogLevel.Blocked);

    public void Request(EgressLogEntry e)
    {
        if (_auditFile is not null && e.Decision != "allow")
        {
            var record = new EgressAuditRecord(Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow, e.Decision, e.Method, e.Scheme, e.Host, e.Port, e.Path, e.HasQuery, e.Status,
                [.. e.Reasons.Select(r => $"{r.Detector}/{r.Rule} at {r.Location}")]);
            _channel.Writer.TryWrite((record.ToJsonLine(), true));
        }

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

    private void Write(Action<Utf8JsonWriter> body) => _channel.Writer.TryWrite((Line(body), false));

    private static string EventLine(string name, string message) => Line(w =>
    {
        w.WriteString("event", name);
        w.WriteString("message", message);
    });

    private static string Line(Action<Utf8JsonWriter> body)
    {
        using var ms = new MemoryStream(256);
        using (var w = new Utf8JsonWriter(ms, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("ts", DateTimeOffset.UtcNow);
            body(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }
}
