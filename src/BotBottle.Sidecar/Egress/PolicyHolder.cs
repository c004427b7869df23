using System.Security.Cryptography;
using BotBottle.Egress;
using BotBottle.Policy;

namespace BotBottle.Sidecar.Egress;

/// <summary>
/// Holds the live policy and swaps it atomically. Every request takes one snapshot at its start, so a reload never
/// changes the rules under an in-flight request. When a routes file is watched, it is polled (content hash) rather
/// than watched with inotify, because bind mounts from Docker Desktop and network file systems do not deliver
/// events reliably; a file that fails to parse keeps the old policy and the error is logged. An empty file (deny all)
/// is installed only when two polls in a row read it empty: one read may fall between a writer's truncation and write.
/// </summary>
internal sealed class PolicyHolder : IDisposable
{
    private readonly Func<string, EgressPolicy>? _parse;
    private readonly EgressLog _log;
    private volatile CompiledEgressPolicy _current;
    private byte[]? _lastHash;

    /// <summary>The last poll read an empty routes file and left it uninstalled (see <see cref="PollCore"/>).</summary>
    private bool _emptyOnce;
    private Timer? _timer;
    /// <summary>
    /// One poll at a time. The timer skips a tick while a poll runs; an explicit <see cref="Poll"/> (the supervise tool
    /// after an approval) waits for it instead, so it never returns before a reload already under way is installed.
    /// </summary>
    private readonly Lock _pollGate = new();

    public PolicyHolder(EgressPolicy initial, EgressLog log)
    {
        _current = new CompiledEgressPolicy(initial);
        _log = log;
    }

    public PolicyHolder(string routesFile, Func<string, EgressPolicy> parse, EgressLog log, TimeSpan pollInterval)
    {
        RoutesFile = routesFile;
        _parse = parse;
        _log = log;
        var text = File.ReadAllText(routesFile);
        _current = new CompiledEgressPolicy(parse(text)); // a bad file at start is fatal: there is no old policy to keep
        _lastHash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text));
        _timer = new Timer(_ =>
        {
            if (_pollGate.TryEnter())
            {
                try
                {
                    PollCore();
                }
                finally
                {
                    _pollGate.Exit();
                }
            }
        }, null, pollInterval, pollInterval);
    }

    public string? RoutesFile { get; }

    public CompiledEgressPolicy Current => _current;

    /// <summary>Number of successful reloads since start (for tests and the allowlist endpoint).</summary>
    public int Generation { get; private set; }

    /// <summary>Raised after a successful swap.</summary>
    public event Action<CompiledEgressPolicy>? Reloaded;

    /// <summary>Replaces the policy now (admin path and tests).</summary>
    public void Set(EgressPolicy policy)
    {
        _current = new CompiledEgressPolicy(policy);
        Generation++;
        Reloaded?.Invoke(_current);
    }

    /// <summary>
    /// Checks the routes file once, after any poll already running; returns <see langword="true"/> when a new policy was
    /// installed by this call.
    /// </summary>
    public bool Poll()
    {
        using (_pollGate.EnterScope())
        {
            return PollCore();
        }
    }

    private bool PollCore()
    {
        if (RoutesFile is null || _parse is null)
        {
            return false;
        }

        string text;
        try
        {
            text = File.ReadAllText(RoutesFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log.Event("reload-failed", $"could not read {RoutesFile}: {ex.Message}; keeping the current policy");
            return false;
        }

        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text));
        if (_lastHash is not null && hash.AsSpan().SequenceEqual(_lastHash))
        {
            _emptyOnce = false;
            return false;
        }

        // An empty file is a valid routes file (deny all), but it is also what a poll reads between the truncation and
        // the write of File.WriteAllText, an editor's save or `cat > routes.yaml`: installing it would deny everything until
        // the next poll, and a bad file written next would then keep deny-all instead of the policy before. So an empty
        // file is installed only when the next poll reads it empty again.
        if (text.Length == 0 && !_emptyOnce)
        {
            _emptyOnce = true;
            return false;
        }

        _emptyOnce = false;

        _lastHash = hash;
        try
        {
            var policy = _parse(text);
            Set(policy);
            _log.Event("reloaded", $"routes reloaded from {RoutesFile}: {policy.Routes.Length} route(s)");
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _log.Event("reload-failed", $"{RoutesFile} is invalid, keeping the current policy: {ex.Message}");
            return false;
        }
    }

    public void Dispose() => _timer?.Dispose();
}
