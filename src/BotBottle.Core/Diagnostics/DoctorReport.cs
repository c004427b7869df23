namespace BotBottle.Diagnostics;

/// <summary>Outcome of one doctor check.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(BotBottle.Serialization.CamelCaseEnumConverter<DoctorStatus>))]
public enum DoctorStatus
{
    /// <summary>Present and working.</summary>
    Ok,

    /// <summary>Works, but something is worth fixing (e.g. an old engine).</summary>
    Warning,

    /// <summary>Not installed or not found; the remedy says how to get it.</summary>
    Missing,

    /// <summary>Present but failing.</summary>
    Error,

    /// <summary>Does not apply to this host OS.</summary>
    NotApplicable,
}

/// <summary>One line of <c>bot-bottle doctor</c>.</summary>
public sealed record DoctorCheck
{
    /// <summary>Short stable name: <c>engine</c>, <c>base-image</c>, <c>kvm</c>, <c>smolvm</c>, <c>container</c>, <c>pwsh</c>, <c>git</c>, <c>ca-trust</c>, and <c>backend:&lt;name&gt;</c> per backend.</summary>
    public required string Name { get; init; }

    /// <summary>Outcome.</summary>
    public required DoctorStatus Status { get; init; }

    /// <summary>One-line finding, e.g. <c>Docker 20.10.24 at unix:///var/run/docker.sock</c>.</summary>
    public required string Summary { get; init; }

    /// <summary>What to do when the status is not <see cref="DoctorStatus.Ok"/>; <see langword="null"/> otherwise.</summary>
    public string? Remedy { get; init; }

    /// <summary>Facts found (versions, paths, runtimes), for automation.</summary>
    public IReadOnlyDictionary<string, string> Details { get; init; } = new Dictionary<string, string>();

    /// <summary>For a <c>backend:&lt;name&gt;</c> check: the lowest version of the backend's tool BotBottle drives (e.g. <c>1.9.0</c> for smolvm); <see langword="null"/> otherwise.</summary>
    public string? MinimumVersion { get; init; }

    /// <summary>For a <c>backend:&lt;name&gt;</c> check: which feature needs which version or OS, one line each (<c>smolvm &gt;= 1.9.0: machine cp --mode/--uid/--gid …</c>); empty otherwise.</summary>
    public IReadOnlyList<string> Requires { get; init; } = [];
}

/// <summary>The host as BotBottle sees it: what is installed, what answers, and what to do about what is missing.</summary>
public sealed record DoctorReport
{
    /// <summary>BotBottle version.</summary>
    public required string Version { get; init; }

    /// <summary>Host OS description.</summary>
    public required string Os { get; init; }

    /// <summary>Host architecture (<c>X64</c>, <c>Arm64</c>).</summary>
    public required string Architecture { get; init; }

    /// <summary>.NET runtime description.</summary>
    public required string Runtime { get; init; }

    /// <summary>The BotBottle home folder.</summary>
    public required string Home { get; init; }

    /// <summary>Every check, in a fixed order.</summary>
    public required IReadOnlyList<DoctorCheck> Checks { get; init; }

    /// <summary>Names of the backends whose readiness check passed (<c>backend:&lt;name&gt;</c> checks that are <see cref="DoctorStatus.Ok"/>), in preference order.</summary>
    public IReadOnlyList<string> ReadyBackends => [.. Checks.Where(c => c.Name.StartsWith("backend:", StringComparison.Ordinal) && c.Status == DoctorStatus.Ok).Select(c => c.Name["backend:".Length..])];

    /// <summary><see langword="true"/> when no check is <see cref="DoctorStatus.Error"/> and the engine check is <see cref="DoctorStatus.Ok"/> or <see cref="DoctorStatus.Warning"/>.</summary>
    public bool Ready => Checks.All(c => c.Status != DoctorStatus.Error)
        && Checks.Any(c => c.Name == "engine" && c.Status is DoctorStatus.Ok or DoctorStatus.Warning);
}
